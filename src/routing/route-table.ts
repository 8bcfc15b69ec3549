import type { Config, RouteConfig } from '../config/schema.ts';
import { newId } from '../domain/ids.ts';
import type { NewDelivery } from '../store/store.ts';
import { filterMatches, type FilterSubject } from './filter-match.ts';

/** A route's stable name: its own, or `<source>-><destination>`. */
export function routeName(route: RouteConfig): string {
  return route.name ?? `${route.source}->${route.destination}`;
}

/** Routes grouped by source once at start, so ingress does one map lookup per event. */
export class RouteTable {
  private readonly bySource = new Map<string, RouteConfig[]>();

  constructor(config: Pick<Config, 'routes'>) {
    for (const route of config.routes) {
      const list = this.bySource.get(route.source) ?? [];
      list.push(route);
      this.bySource.set(route.source, list);
    }
  }

  /** One new delivery per route of the source whose filter matches the event. */
  deliveriesFor(source: string, subject: FilterSubject): NewDelivery[] {
    const routes = this.bySource.get(source) ?? [];
    return routes
      .filter((r) => filterMatches(r.filter, subject))
      .map((r) => ({ id: newId('dlv'), route: routeName(r), destination: r.destination }));
  }
}
