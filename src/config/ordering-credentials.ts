import type { z } from 'zod';
import type { DestinationConfig } from '../destinations/schema.ts';
import { getProvider } from '../providers/index.ts';
import type { routeSchema } from './route.ts';
import type { sourceSchema } from './source.ts';

/**
 * An ordering key is stored and shown by the admin API, so it never comes from a credential
 * header. The key rule alone refuses the names every provider's credentials share
 * (ordering.ts); this adds what each route's source declares (`x-shopify-hmac-sha256`, a
 * generic-hmac source's configured signature header), which only the route knows.
 */
export function checkOrderingCredentials(
  ctx: z.RefinementCtx,
  at: readonly (string | number)[],
  lists: {
    readonly sources: readonly z.output<typeof sourceSchema>[];
    readonly destinations: readonly DestinationConfig[];
    readonly routes: readonly z.output<typeof routeSchema>[];
  },
): void {
  lists.routes.forEach((r, i) => {
    const source = lists.sources.find((s) => s.name === r.source);
    const key = (r.ordering ?? lists.destinations.find((d) => d.name === r.destination)?.ordering)
      ?.key;
    if (source === undefined || key === undefined || !key.startsWith('header:')) return;
    const header = key.slice('header:'.length).toLowerCase();
    const declared = getProvider(source.provider)?.credentialHeaders(source.options) ?? [];
    if (declared.some((h) => h.toLowerCase() === header))
      ctx.addIssue({
        code: 'custom',
        path: [...at, 'routes', i, 'ordering'],
        message: `"${header}" is a credential header of source "${source.name}" (${source.provider}): it cannot be an ordering key`,
      });
  });
}
