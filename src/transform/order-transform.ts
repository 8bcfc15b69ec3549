import type { SourceConfig } from '../config/schema.ts';
import { webhookPrefixes } from '../ingress/webhooks.ts';
import { transformOrder } from '../orders/transform.ts';
import type { StoredEvent } from '../store/store.ts';
import type { Transform, TransformResult } from './types.ts';

/** Headers the restaurant platform's backend expects on integration calls (seed 001 §8.2). */
const integrationHeaders = {
  'content-type': 'application/json',
  'x-integration-service': 'true',
};

/**
 * The built-in `careem-order` / `talabat-order` transforms: the provider's order becomes the
 * backend's normalized order envelope; an invalid one is quarantined with its reasons, an
 * unknown branch is a configuration error.
 */
export function orderTransform(
  provider: 'careem' | 'talabat',
  source: SourceConfig | undefined,
): Transform {
  return {
    name: `${provider}-order`,
    run(event: StoredEvent, now: number): TransformResult {
      if (source?.orders === undefined)
        return {
          kind: 'configuration',
          reasons: [`source ${event.source} has no orders.branches mapping`],
        };
      const result = transformOrder(
        {
          provider,
          body: event.body,
          headers: event.headers,
          subpath: subpathOf(event),
          eventId: event.id,
          receivedAt: event.receivedAt,
          now,
        },
        { branches: source.orders.branches, country: source.orders.country },
      );
      switch (result.kind) {
        case 'order':
        case 'status':
          return {
            kind: 'send',
            body: JSON.stringify(result.envelope),
            headers: integrationHeaders,
            captureOrderId: result.kind === 'order',
          };
        case 'invalid':
          return { kind: 'quarantine', reasons: result.reasons };
        case 'configuration':
          return { kind: 'configuration', reasons: result.reasons };
      }
    },
  };
}

// `/api/v1/webhooks/generic` before `/api/v1/webhooks`.
const longestPrefixFirst = [...webhookPrefixes].sort((x, y) => y.length - x.length);

/** The part of the URL below the source (`/order/R1` of `/webhooks/talabat/order/R1`). */
function subpathOf(event: StoredEvent): string {
  const path = event.url.split('?')[0] ?? '';
  for (const prefix of longestPrefixFirst) {
    const base = `${prefix}/${event.source}`;
    if (path === base || path.startsWith(`${base}/`)) return path.slice(base.length);
  }
  return '';
}
