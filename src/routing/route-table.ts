import type { Config, RouteConfig } from '../config/schema.ts';
import type { OrderingConfig } from '../config/ordering.ts';
import type { OnDead } from '../domain/delivery-state.ts';
import { newId } from '../domain/ids.ts';
import type { NewDelivery } from '../store/store.ts';
import { filterMatches } from './filter-match.ts';
import { orderingKeyFor, type RouteSubject } from './ordering-key.ts';

/** A route's stable name: its own, or `<source>-><destination>`. */
export function routeName(route: RouteConfig): string {
  return route.name ?? `${route.source}->${route.destination}`;
}

/** The ordering that applies to a route's deliveries: its own, else its destination's. */
export function routeOrdering(
  route: RouteConfig,
  config: Pick<Config, 'destinations'>,
): OrderingConfig | undefined {
  return route.ordering ?? config.destinations.find((d) => d.name === route.destination)?.ordering;
}

/**
 * Route name → what a dead delivery does to its ordering key, for every ordered route, and for
 * `<source>-><destination>` where no route has that name: a replay to a destination the source
 * has no route to goes by that name, ordered by the destination's `ordering`.
 */
export function routeOnDead(
  config: Pick<Config, 'routes' | 'destinations'> & { sources?: readonly { name: string }[] },
): Map<string, OnDead> {
  const out = new Map<string, OnDead>();
  for (const route of config.routes) {
    const ordering = routeOrdering(route, config);
    if (ordering) out.set(routeName(route), ordering.onDead);
  }
  const named = new Set(config.routes.map(routeName));
  for (const source of config.sources ?? [])
    for (const d of config.destinations) {
      const name = `${source.name}->${d.name}`;
      if (d.ordering && !named.has(name)) out.set(name, d.ordering.onDead);
    }
  return out;
}

interface TableRoute {
  readonly route: RouteConfig;
  readonly name: string;
  readonly ordering: OrderingConfig | undefined;
}

/** Routes grouped by source once at start, so ingress does one map lookup per event. */
export class RouteTable {
  private readonly bySource = new Map<string, TableRoute[]>();

  constructor(config: Pick<Config, 'routes' | 'destinations'>) {
    for (const route of config.routes) {
      const list = this.bySource.get(route.source) ?? [];
      list.push({ route, name: routeName(route), ordering: routeOrdering(route, config) });
      this.bySource.set(route.source, list);
    }
  }

  /** One new delivery per route of the source whose filter matches the event. */
  deliveriesFor(source: string, subject: RouteSubject): NewDelivery[] {
    const routes = this.bySource.get(source) ?? [];
    return routes
      .filter((r) => filterMatches(r.route.filter, subject))
      .map((r) => ({
        id: newId('dlv'),
        route: r.name,
        destination: r.route.destination,
        orderingKey: r.ordering ? orderingKeyFor(r.ordering, source, subject) : null,
      }));
  }
}
