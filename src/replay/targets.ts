import type { Config, RouteConfig } from '../config/schema.ts';
import { newId } from '../domain/ids.ts';
import { tenantOf } from '../domain/tenant.ts';
import { filterMatches } from '../routing/filter-match.ts';
import { routeName } from '../routing/route-table.ts';
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

/** The event's body as JSON for route filters, parsed once and only if a filter asks. */
function subjectOf(event: Pick<StoredEvent, 'eventType' | 'headers' | 'body'>) {
  let parsed: { value: unknown } | undefined;
  return {
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
  config: Pick<Config, 'routes'>,
  event: Pick<StoredEvent, 'id' | 'source' | 'eventType' | 'headers' | 'body'>,
  earlier: readonly Pick<Delivery, 'id' | 'destination' | 'origin' | 'createdAt'>[],
  targets: ReplayTargets,
): NewReplay[] {
  const ofSource = config.routes.filter((r) => r.source === event.source);
  let chosen: { route: string; destination: string }[];
  if (targets.routes === undefined && targets.destinations === undefined) {
    const subject = subjectOf(event);
    chosen = ofSource
      .filter((r) => filterMatches(r.filter, subject))
      .map((r) => ({ route: routeName(r), destination: r.destination }));
  } else {
    const named = new Set(targets.routes ?? []);
    chosen = ofSource
      .filter((r) => named.has(routeName(r)))
      .map((r) => ({ route: routeName(r), destination: r.destination }));
    for (const destination of targets.destinations ?? []) {
      // A replay never crosses tenants, as a route never does.
      if (tenantOf(destination) !== tenantOf(event.source)) continue;
      const route: RouteConfig | undefined = ofSource.find((r) => r.destination === destination);
      chosen.push({
        route: route ? routeName(route) : `${event.source}->${destination}`,
        destination,
      });
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
    }));
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
