import type { Config, RouteConfig } from '../config/schema.ts';
import { newId } from '../domain/ids.ts';
import { tenantOf } from '../domain/tenant.ts';
import type { OrderingConfig } from '../config/ordering.ts';
import { filterMatches } from '../routing/filter-match.ts';
import { orderingKeyFor } from '../routing/ordering-key.ts';
import { routeName, routeOrdering } from '../routing/route-table.ts';
import type { Delivery, NewReplay, StoredEvent } from '../store/store.ts';

/** Where a replay goes: the event's routes as configured now, or the named ones. */
export interface ReplayTargets {
  /** Route names (each must be a route of the event's source). */
  readonly routes?: readonly string[] | undefined;
  /** Destination names: through the source's route to it when there is one, else as is. */
  readonly destinations?: readonly string[] | undefined;
}

export class UnknownTargetError extends Error {}

/** Checks that every named route and destination is configured (before any replay is made). */
export function checkTargets(
  config: Pick<Config, 'routes' | 'destinations'>,
  t: ReplayTargets,
): void {
  const routes = new Set(config.routes.map(routeName));
  const destinations = new Set(config.destinations.map((d) => d.name));
  for (const r of t.routes ?? [])
    if (!routes.has(r)) throw new UnknownTargetError(`no route named "${r}"`);
  for (const d of t.destinations ?? [])
    if (!destinations.has(d)) throw new UnknownTargetError(`no destination named "${d}"`);
}

/** What a replay reads of the stored event. */
type ReplayedEvent = Pick<StoredEvent, 'id' | 'source' | 'eventType' | 'headers' | 'body'> & {
  readonly providerEventId?: string | null;
};

/**
 * The stored event as route filters and ordering keys see it at ingest: its body as JSON (parsed
 * once and only if asked), its headers (as stored: an ordering key is never a credential header,
 * so redaction never hides one) and the provider's event id.
 */
function subjectOf(event: ReplayedEvent) {
  let parsed: { value: unknown } | undefined;
  return {
    eventId: event.providerEventId ?? undefined,
    eventType: event.eventType ?? undefined,
    headers: event.headers,
    body: () => {
      if (parsed === undefined) {
        try {
          parsed = { value: JSON.parse(event.body.toString('utf8')) as unknown };
        } catch {
          parsed = { value: undefined };
        }
      }
      return parsed.value;
    },
  };
}

/**
 * The new deliveries a replay of `event` makes, one per destination, each linked to the event's
 * earlier delivery to that destination (the one made when it arrived, else the latest replay).
 * Without names: every route of the event's source whose filter matches the event now (routes and
 * destinations added since it arrived included). Names of routes of another source, and of
 * destinations of another tenant, are skipped.
 */
export function replaysFor(
  config: Pick<Config, 'routes' | 'destinations'>,
  event: ReplayedEvent,
  earlier: readonly Pick<Delivery, 'id' | 'destination' | 'origin' | 'createdAt'>[],
  targets: ReplayTargets,
): NewReplay[] {
  const ofSource = config.routes.filter((r) => r.source === event.source);
  const subject = subjectOf(event);
  const viaRoute = (r: RouteConfig): Chosen => ({
    route: routeName(r),
    destination: r.destination,
    ordering: routeOrdering(r, config),
  });
  let chosen: Chosen[];
  if (targets.routes === undefined && targets.destinations === undefined) {
    chosen = ofSource.filter((r) => filterMatches(r.filter, subject)).map(viaRoute);
  } else {
    const named = new Set(targets.routes ?? []);
    chosen = ofSource.filter((r) => named.has(routeName(r))).map(viaRoute);
    for (const destination of targets.destinations ?? []) {
      // A replay never crosses tenants, as a route never does.
      if (tenantOf(destination) !== tenantOf(event.source)) continue;
      const route: RouteConfig | undefined = ofSource.find((r) => r.destination === destination);
      chosen.push(
        route
          ? viaRoute(route)
          : {
              route: `${event.source}->${destination}`,
              destination,
              ordering: config.destinations.find((d) => d.name === destination)?.ordering,
            },
      );
    }
  }
  const seen = new Set<string>();
  return chosen
    .filter((c) => !seen.has(c.destination) && seen.add(c.destination))
    .map((c) => ({
      id: newId('dlv'),
      eventId: event.id,
      route: c.route,
      destination: c.destination,
      replayOf: originalOf(earlier, c.destination),
      // The key as ingest computes it, so a replay waits behind its key's deliveries.
      orderingKey: c.ordering ? orderingKeyFor(c.ordering, event.source, subject) : null,
    }));
}

interface Chosen {
  readonly route: string;
  readonly destination: string;
  readonly ordering: OrderingConfig | undefined;
}

function originalOf(
  earlier: readonly Pick<Delivery, 'id' | 'destination' | 'origin' | 'createdAt'>[],
  destination: string,
): string | null {
  const to = earlier.filter((d) => d.destination === destination);
  const original = to.find((d) => d.origin === 'ingest');
  if (original) return original.id;
  return (
    to.reduce<(typeof to)[number] | undefined>(
      (latest, d) => (latest === undefined || d.createdAt > latest.createdAt ? d : latest),
      undefined,
    )?.id ?? null
  );
}
