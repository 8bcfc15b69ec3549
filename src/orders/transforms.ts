import type { SourceConfig } from '../config/schema.ts';
import { webhookPrefixes } from '../ingress/webhooks.ts';
import type { StoredEvent } from '../store/store.ts';
import type { BuiltinTransform, Capture, Transform, TransformResult } from '../transform/types.ts';
import { transformOrder } from './transform.ts';

/** Headers the restaurant platform's backend expects on integration calls (seed 001 §8.2). */
const integrationHeaders = {
  'content-type': 'application/json',
  'x-integration-service': 'true',
};

/** The backend answers a created order with its id: `orderId`, or `data.orderId`. */
const orderIdCapture: Capture = { internalOrderId: ['orderId', 'data.orderId'] };

/**
 * The `careem-order` / `talabat-order` transforms: the provider's order becomes the backend's
 * normalized order envelope; an invalid one is quarantined with its reasons, an unknown branch
 * is a configuration error.
 */
function orderTransform(
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
            ...(result.kind === 'order' ? { capture: orderIdCapture } : {}),
          };
        case 'invalid':
          return { kind: 'quarantine', reasons: result.reasons };
        case 'configuration':
          return { kind: 'configuration', reasons: result.reasons };
      }
    },
  };
}

/** The restaurant orders' transforms, by the names routes use. */
export const orderTransforms: readonly BuiltinTransform[] = [
  { name: 'careem-order', create: (source) => orderTransform('careem', source) },
  { name: 'talabat-order', create: (source) => orderTransform('talabat', source) },
];

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
