import type { Config } from '../config/schema.ts';
import type { Clock } from '../domain/clock.ts';
import type { Delivery, NewReplay, Store, StoredEvent } from '../store/store.ts';
import { checkTargets, replaysFor, type ReplayTargets } from './targets.ts';

export interface ReplayerDeps {
  readonly config: Pick<Config, 'routes' | 'destinations'>;
  readonly store: Store;
  readonly clock: Clock;
  /** Deliveries were made due: the dispatcher claims them now. */
  readonly wake: () => void;
}

/**
 * Replays stored events: new deliveries (each with its own idempotency key, linked to the
 * original), to the routes as configured now or to the named ones. The stored event never changes.
 */
export class Replayer {
  constructor(private readonly deps: ReplayerDeps) {}

  /** Throws UnknownTargetError when a named route or destination is not configured. */
  check(targets: ReplayTargets): void {
    checkTargets(this.deps.config, targets);
  }

  /** The replays one event would get (nothing is stored). */
  async plan(event: StoredEvent, targets: ReplayTargets): Promise<NewReplay[]> {
    const earlier = await this.deps.store.deliveryListByEvent({ eventId: event.id });
    return replaysFor(this.deps.config, event, earlier, targets);
  }

  /** Replays one event now. Undefined: no such event. */
  async replay(eventId: string, targets: ReplayTargets): Promise<Delivery[] | undefined> {
    this.check(targets);
    const event = await this.deps.store.eventGet({ id: eventId });
    if (event === undefined) return undefined;
    const replays = await this.plan(event, targets);
    const made = await this.deps.store.deliveryReplay({ replays, now: this.deps.clock.now() });
    if (made.length > 0) this.deps.wake();
    return made;
  }
}
