import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.ts';
import type { Clock } from '../domain/clock.ts';
import { GroupCommit } from '../domain/group-commit.ts';
import type { Destinations } from '../destinations/registry.ts';
import type { Telemetry } from '../telemetry/events.ts';
import type { AttemptRecordParams, ClaimedDelivery, DueListener, Store } from '../store/store.ts';
import type { RedisConnection } from '../shared/redis-connection.ts';
import type { Transform } from '../transform/types.ts';
import { routeOnDead } from '../routing/route-table.ts';
import { tenantOf } from '../domain/tenant.ts';
import { AttemptRunner } from './attempt.ts';
import { routeCaptures } from './capture.ts';
import type { BreakerSnapshot, TransitionListener } from './circuit-breaker.ts';
import { attemptMarginMs, DestinationRuntime } from './destination-runtime.ts';

/** Bodies held claimed ahead per destination, at most (large bodies: claim as slots free up). */
const maxReadyBytes = 16 * 1024 * 1024;
/** How often the ordering safety net runs (Store.orderingRepair); also once at start. */
const orderingRepairIntervalMs = 60_000;

export interface DispatcherDeps {
  readonly config: Config;
  readonly store: Store;
  /** The configured destinations' clients (src/destinations/). */
  readonly destinations: Destinations;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Attempts and breakers say what happened here (logged, counted, traced by subscribers). */
  readonly telemetry: Telemetry;
  /** [0, 1) for retry jitter. */
  readonly random?: () => number;
  /** Set: rate limits and breakers are shared with the other instances through Redis. */
  readonly redis?: RedisConnection;
  /** Route name → its transform. */
  readonly transforms?: ReadonlyMap<string, Transform>;
}

/**
 * Claims due deliveries from the store (the queue is the store) and attempts them. Woken at once
 * when ingress commits new deliveries; polls as a fallback (retries coming due, other writers).
 */
export class Dispatcher {
  /** This process's lease name: a dead process's leases expire and are claimed by others. */
  readonly owner = `hookgate-${process.pid}-${randomUUID().slice(0, 8)}`;
  readonly destinations: ReadonlyMap<string, DestinationRuntime>;
  private readonly running = new Set<Promise<void>>();
  private total = 0;
  private timer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  /** When retryTimer fires. */
  private retryAt = Infinity;
  private repairTimer: NodeJS.Timeout | undefined;
  private repairing: Promise<void> | undefined;
  private dueListener: DueListener | undefined;
  private stopped = true;
  private claiming: Promise<void> | undefined;
  /** Claims ahead under way, per destination (see claimAhead). */
  private readonly aheadClaims = new Map<string, Promise<void>>();
  private again = false;
  /** Wake-ups from outside (a commit, a NOTIFY, the poll, an operator): something may be due. */
  private wakeups = 0;
  /**
   * Per destination, the wake-up count at which a claim found fewer deliveries than it asked for:
   * nothing more was due then, so until the next wake-up from outside, a freed slot starts what
   * is at hand and does not ask the database again (at 1,000 webhooks/s about half of all claims
   * found nothing before).
   */
  private readonly drained = new Map<string, number>();
  /** Where the next claim round starts, so no destination always goes first. */
  private cursor = 0;
  /** What one attempt does, from transform to record. */
  private readonly attempts: AttemptRunner;
  /** Tenant → attempts it may have in flight at once (`tenants[].limits.concurrency`). */
  private readonly tenantLimits: ReadonlyMap<string, number>;
  /** Tenant → attempts in flight now, so one tenant's backlog cannot take every slot. */
  private readonly tenantInFlight = new Map<string, number>();

  constructor(private readonly deps: DispatcherDeps) {
    const onTransition: TransitionListener = (destination, from, to, why) =>
      deps.telemetry.emit('breaker.changed', { destination, from, to, why });
    this.attempts = new AttemptRunner({
      owner: this.owner,
      store: deps.store,
      clock: deps.clock,
      telemetry: deps.telemetry,
      random: deps.random ?? Math.random,
      // Attempt records of the same moment share one transaction.
      records: new GroupCommit<AttemptRecordParams, boolean>({
        commit: (items) => deps.store.attemptRecordBatch({ items }),
        maxBatch: 500,
      }),
      destinations: deps.destinations,
      transforms: deps.transforms,
      captures: routeCaptures(deps.config),
      onDead: routeOnDead(deps.config),
    });
    this.tenantLimits = new Map(
      deps.config.tenants.flatMap((t) =>
        t.limits.concurrency === undefined ? [] : [[t.name, t.limits.concurrency] as const],
      ),
    );
    const options = {
      globalConcurrency: deps.config.delivery.concurrency,
      now: deps.clock.now(),
    };
    this.destinations = new Map(
      deps.config.destinations.map((d) => {
        const runtime = new DestinationRuntime(d, onTransition, deps.redis, options);
        runtime.onAdaptiveChange((destination, { from, to, reason, pausedUntil }) =>
          deps.telemetry.emit('destination.adapted', {
            destination,
            from,
            to,
            reason,
            pausedUntil,
          }),
        );
        return [d.name, runtime];
      }),
    );
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), this.deps.config.delivery.pollInterval);
    this.timer.unref();
    const { logger, config } = this.deps;
    // Deliveries stored by other instances (PostgreSQL) wake this one at once; polling stays.
    this.dueListener = this.deps.store.deliveryDueListen({
      onDue: () => this.wake(),
      onConnection: (connected, err) =>
        connected
          ? logger.info('listening for new deliveries from every instance')
          : logger.warn(
              { err, pollIntervalMs: config.delivery.pollInterval },
              'wake-up channel lost; polling until it is back',
            ),
    });
    this.wake();
    this.repairOrdering();
    this.repairTimer = setInterval(() => this.repairOrdering(), orderingRepairIntervalMs);
    this.repairTimer.unref();
  }

  /**
   * The ordering safety net: a key left with queued deliveries and no turn holder (one was
   * removed without passing the turn on) gets going again. Finding one means some operation broke
   * the rule of domain/delivery-state.ts `passesKeyTurn`: it is logged as a warning.
   */
  private repairOrdering(): void {
    if (this.stopped || this.repairing) return;
    this.repairing = this.deps.store
      .orderingRepair({ now: this.deps.clock.now() })
      .then((promoted) => {
        if (promoted === 0) return;
        this.deps.logger.warn({ promoted }, 'ordering keys without a turn holder were repaired');
        this.wake();
      })
      .catch((err: unknown) => this.deps.logger.error({ err }, 'ordering repair failed'))
      .finally(() => (this.repairing = undefined));
  }

  /** Something may be due: claim now (coalesced while a claim runs). */
  wake(): void {
    this.wakeups += 1;
    this.startRound();
  }

  /** A slot freed, or deliveries were claimed ahead: start them; claim where more may be due. */
  private startRound(): void {
    if (this.stopped) return;
    if (this.claiming) {
      this.again = true;
      return;
    }
    this.claiming = this.claim().finally(() => (this.claiming = undefined));
  }

  /** Attempts each destination may have in flight now (read-only, for metrics); none: unlimited. */
  concurrencyLimits(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, runtime] of this.destinations) {
      const limit = runtime.concurrencyLimit;
      if (limit !== undefined) out[name] = limit;
    }
    return out;
  }

  /** Resolves when no claim runs and no attempt is in flight (tests drive the clock with this). */
  async idle(): Promise<void> {
    while (this.claiming || this.running.size > 0 || this.aheadClaims.size > 0) {
      await Promise.allSettled([this.claiming, ...this.running, ...this.aheadClaims.values()]);
    }
  }

  /** Each destination's breaker as it stands (shared through Redis when configured): read-only. */
  breakerSnapshots(): Promise<BreakerSnapshot[]> {
    const now = this.deps.clock.now();
    return Promise.all(
      [...this.destinations.values()].flatMap((d) => (d.circuit ? [d.circuit.snapshot(now)] : [])),
    );
  }

  /** Stop claiming, wait for in-flight attempts (up to `timeoutMs`), give back unfinished leases. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.repairTimer) clearInterval(this.repairTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.dueListener?.close();
    await this.repairing;
    // A claim under way may still launch attempts: let it finish, then wait for all of them. A claim
    // ahead still takes leases: let it finish too, so that they are given back below.
    await this.claiming;
    await Promise.allSettled([...this.aheadClaims.values()]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.running]),
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
    for (const destination of this.destinations.values()) destination.dropReady();
    const released = await this.deps.store.deliveryReleaseLeases({ owner: this.owner });
    if (released > 0) this.deps.logger.info({ released }, 'released delivery leases');
  }

  /** One round over every destination, each claiming what its limits allow now. */
  private async claim(): Promise<void> {
    try {
      do {
        this.again = false;
        const names = [...this.destinations.keys()];
        this.cursor = (this.cursor + 1) % Math.max(1, names.length);
        for (const name of [...names.slice(this.cursor), ...names.slice(0, this.cursor)]) {
          if (this.stopped) return;
          const free = this.deps.config.delivery.concurrency - this.total;
          if (free <= 0) return;
          // A tenant at its cap waits; the others' destinations go on claiming.
          const room = Math.min(free, this.tenantRoom(name));
          if (room > 0)
            await this.claimFor(this.destinations.get(name) as DestinationRuntime, room);
        }
      } while (this.again && !this.stopped);
    } catch (err) {
      this.deps.telemetry.emit('store.failed', { operation: 'claim', error: err });
      this.deps.logger.error({ err }, 'claiming deliveries failed; will retry at the next poll');
    }
  }

  /** Attempts the destination's tenant may still start (Infinity: its tenant has no cap). */
  private tenantRoom(destination: string): number {
    const tenant = tenantOf(destination);
    const limit = this.tenantLimits.get(tenant);
    return limit === undefined ? Infinity : limit - (this.tenantInFlight.get(tenant) ?? 0);
  }

  private async claimFor(destination: DestinationRuntime, free: number): Promise<void> {
    const now = this.deps.clock.now();
    const { slots, retryInMs, unlimited } = await destination.capacity(now, free);
    if (retryInMs !== undefined) this.wakeIn(retryInMs);
    if (slots <= 0) return;
    const ready = destination.takeReady(slots, now);
    const wanted = slots - ready.length;
    // Where nothing limits the pace, deliveries are claimed ahead: the next slots that free up
    // start at once instead of waiting for a claim's round trip (which PostgreSQL makes
    // milliseconds).
    const ahead = unlimited ? this.aheadFor(destination) : 0;
    let claimed: ClaimedDelivery[] = [];
    let limit = 0;
    if (wanted > 0 && !this.isDrained(destination)) {
      // Not enough claimed ahead: what is wanted now and the next batch, in one statement.
      const leaseUntil = now + this.deps.config.delivery.lease;
      const asOf = this.wakeups;
      limit = wanted + Math.max(0, ahead - destination.readyCount);
      claimed = await this.deps.store.deliveryClaimDue({
        owner: this.owner,
        destination: destination.config.name,
        now,
        leaseUntil,
        limit,
      });
      if (claimed.length < limit) this.drained.set(destination.config.name, asOf);
      destination.keepReady(claimed.slice(wanted), leaseUntil);
    }
    const launching = [...ready, ...claimed.slice(0, wanted)];
    await destination.take(launching.length);
    for (const item of launching) this.launch(item, destination);
    if (wanted === 0 && destination.readyCount < ahead / 2 && !this.isDrained(destination))
      this.claimAhead(destination, ahead);
    // A full batch means more may be due right now.
    if (limit > 0 && claimed.length === limit && slots === free) this.again = true;
  }

  /**
   * Tops up what a destination holds claimed ahead, in the background: a claim round that waited
   * for it would leave the slots freeing meanwhile empty although deliveries are at hand (measured:
   * all 64 slots busy only ~60 % of a bench:deliver run while a claim was in flight ~40 % of it).
   */
  private claimAhead(destination: DestinationRuntime, ahead: number): void {
    const name = destination.config.name;
    if (this.stopped || this.aheadClaims.has(name)) return;
    const now = this.deps.clock.now();
    const leaseUntil = now + this.deps.config.delivery.lease;
    const asOf = this.wakeups;
    const limit = ahead - destination.readyCount;
    const run = this.deps.store
      .deliveryClaimDue({ owner: this.owner, destination: name, now, leaseUntil, limit })
      .then((claimed) => {
        if (claimed.length < limit) this.drained.set(name, asOf);
        destination.keepReady(claimed, leaseUntil);
        if (claimed.length > 0) this.startRound();
      })
      .catch((err: unknown) => {
        this.deps.telemetry.emit('store.failed', { operation: 'claim', error: err });
        this.deps.logger.error({ err, destination: name }, 'claiming ahead failed');
      })
      .finally(() => this.aheadClaims.delete(name));
    this.aheadClaims.set(name, run);
  }

  /**
   * How many deliveries of a destination to hold claimed ahead: four rounds of its slots, so a
   * claim carries enough rows to pay for its round trip (bench:deliver on PostgreSQL, medians of
   * 3–4 runs: 4.2k/s with two rounds, 5.2k/s with four, 5.0k/s with eight). None when the lease
   * is too short to leave room for an attempt after waiting (they would only be dropped and
   * claimed again), nor while the bodies held already add up to `maxReadyBytes`.
   */
  private aheadFor(destination: DestinationRuntime): number {
    const { concurrency, lease } = this.deps.config.delivery;
    if (lease <= destination.config.timeoutMs + attemptMarginMs) return 0;
    if (destination.readyBytes >= maxReadyBytes) return 0;
    // A tenant's cap bounds it too: what is held ahead waits for the tenant's slots, on its lease.
    const tenantCap = this.tenantLimits.get(tenantOf(destination.config.name)) ?? concurrency;
    return 4 * Math.min(concurrency, destination.concurrencyLimit ?? concurrency, tenantCap);
  }

  /** True when a claim since the last wake-up from outside found everything that was due. */
  private isDrained(destination: DestinationRuntime): boolean {
    return this.drained.get(destination.config.name) === this.wakeups;
  }

  /**
   * A rate limit refills or a pause ends later: look again then, not only at the next poll (the
   * earliest of the times asked for: a long pause of one destination does not delay another's).
   */
  private wakeIn(ms: number): void {
    const at = Date.now() + ms;
    if (this.retryTimer && this.retryAt <= at) return;
    clearTimeout(this.retryTimer);
    this.retryAt = at;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.retryAt = Infinity;
      this.wake();
    }, ms);
    this.retryTimer.unref();
  }

  private launch(item: ClaimedDelivery, destination: DestinationRuntime): void {
    const tenant = tenantOf(destination.config.name);
    this.total += 1;
    destination.inFlight += 1;
    this.tenantInFlight.set(tenant, (this.tenantInFlight.get(tenant) ?? 0) + 1);
    // The slot is the send: it frees once the destination answered, while the record commits
    // (the lease keeps the delivery from being claimed again until then).
    let slotHeld = true;
    const freeSlot = () => {
      if (!slotHeld) return;
      slotHeld = false;
      this.total -= 1;
      destination.inFlight -= 1;
      this.tenantInFlight.set(tenant, (this.tenantInFlight.get(tenant) ?? 1) - 1);
      this.startRound();
    };
    const run = this.attempts
      .run(item, destination, freeSlot)
      .then((report) => {
        // An ordered delivery that is over may have passed its key's turn: the next one of the
        // key is due now although nothing woke the dispatcher from outside.
        if (
          report.recorded &&
          item.delivery.orderingKey !== null &&
          report.outcome.state !== 'retry'
        ) {
          this.drained.delete(destination.config.name);
          this.startRound();
        }
      })
      .catch((err: unknown) => {
        this.deps.telemetry.emit('store.failed', { operation: 'record', error: err });
        this.deps.logger.error({ err, deliveryId: item.delivery.id }, 'attempt failed to record');
      })
      .finally(() => {
        freeSlot();
        this.running.delete(run);
      });
    this.running.add(run);
  }
}
