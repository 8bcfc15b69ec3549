import { z } from 'zod';
import { identifyFromOptions, identifyOptionsShape } from '../../verify/identify-options.ts';
import { matchesAnySecret } from '../../verify/secret-match.ts';
import type { Provider } from '../../verify/types.ts';

const options = z.strictObject({
  header: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'not a header name')
    .transform((h) => h.toLowerCase())
    .default('x-api-key'),
  /** Text before the key, e.g. `Bearer ` for `Authorization: Bearer <key>` (case-insensitive). */
  prefix: z.string().default(''),
  ...identifyOptionsShape,
});

export type ApiKeyOptions = z.output<typeof options>;

/**
 * A static key in a header, equal to one of the source's secrets (compared in constant time,
 * length included). Nothing is signed: the body's integrity rests on TLS alone.
 */
export const apiKey: Provider<ApiKeyOptions> = {
  name: 'api-key',
  defaultToleranceSeconds: 0,
  requiresSecret: true,
  optionsSchema: options,
  credentialHeaders: (o) => [o.header],
  verify(request, ctx) {
    const o = ctx.options;
    const value = request.headers[o.header];
    if (!value) return { ok: false, reason: `missing ${o.header} header` };
    // The prefix is a scheme name (not secret): compared plainly, case-insensitively.
    if (value.slice(0, o.prefix.length).toLowerCase() !== o.prefix.toLowerCase())
      return { ok: false, reason: `${o.header} does not start with "${o.prefix}"` };
    const key = value.slice(o.prefix.length).trim();
    if (key === '') return { ok: false, reason: `empty key in ${o.header}` };
    return matchesAnySecret(key, ctx.secrets)
      ? { ok: true }
      : { ok: false, reason: `${o.header} matches no configured key` };
  },
  identify: identifyFromOptions,
};
