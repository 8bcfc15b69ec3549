import type { Config } from '../config/schema.ts';
import { routeName } from '../routing/route-table.ts';
import { loadModuleTransform } from './module-transform.ts';
import { orderTransform } from './order-transform.ts';
import type { Transform } from './types.ts';

/** Route name → its transform, built once at start (a module that does not load stops the start). */
export function buildTransforms(config: Config): ReadonlyMap<string, Transform> {
  const out = new Map<string, Transform>();
  for (const route of config.routes) {
    if (route.transform === undefined) continue;
    const source = config.sources.find((s) => s.name === route.source);
    const transform =
      route.transform === 'careem-order'
        ? orderTransform('careem', source)
        : route.transform === 'talabat-order'
          ? orderTransform('talabat', source)
          : loadModuleTransform(route.transform, {
              timeoutMs: config.delivery.transformTimeout,
            });
    out.set(routeName(route), transform);
  }
  return out;
}
