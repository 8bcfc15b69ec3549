import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config, DestinationConfig } from '../config/schema.ts';
import type { Clock } from '../domain/clock.ts';
import { newId } from '../domain/ids.ts';
import type { ClaimedDelivery, Store } from '../store/store.ts';
import type { HttpSender } from './http-sender.ts';
import { decideOutcome } from './outcome.ts';

export interface DispatcherDeps {
  readonly config: Config;
  readonly store: Store;
  readonly sender: HttpSender;
  readonly clock: Clock;
  readonly logger: Logger;
  /** [0, 1) for retry jitter. */
  readonly random?: () => number;
}

/**
 * Claims due deliveries from the store (the queue is the store) and attempts them. Woken at once
 * when ingress commits new deliveries; polls as a fallback (retries coming due, other writers).
 */
export class Dispatcher {
  /** This process's lease name: a dead process's leases expire and are claimed by others. */
  readonly owner = `hookgate-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly destinations: ReadonlyMap<string, DestinationConfig>;
  private readonly inFlight = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private total = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private claiming = false;
  private again = false;

  constructor(private readonly deps: DispatcherDeps) {
    this.destinations = new Map(deps.config.destinations.map((d) => [d.name, d]));
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), this.deps.config.delivery.pollInterval);
    this.timer.unref();
    this.wake();
  }

  /** Something may be due: claim now (coalesced while a claim runs). */
  wake(): void {
    if (this.stopped) return;
    if (this.claiming) {
      this.again = true;
      return;
    }
    void this.claim();
  }

  /** Attempts in flight now. */
  get active(): number {
    return this.total;
  }

  /** Stop claiming, wait for in-flight attempts (up to `timeoutMs`), give back unfinished leases. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.running]),
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
    const released = await this.deps.store.deliveryReleaseLeases({ owner: this.owner });
    if (released > 0) this.deps.logger.info({ released }, 'released delivery leases');
  }

  private saturated(): string[] {
    const full: string[] = [];
    for (const [name, dest] of this.destinations) {
      if (dest.concurrency !== undefined && (this.inFlight.get(name) ?? 0) >= dest.concurrency)
        full.push(name);
    }
    return full;
  }

  private async claim(): Promise<void> {
    this.claiming = true;
    try {
      do {
        this.again = false;
        const free = this.deps.config.delivery.concurrency - this.total;
        if (free <= 0) break;
        const now = this.deps.clock.now();
        const claimed = await this.deps.store.deliveryClaimDue({
          owner: this.owner,
          now,
          leaseUntil: now + this.deps.config.delivery.lease,
          limit: free,
          excludeDestinations: this.saturated(),
        });
        for (const item of claimed) this.launch(item);
        // A full batch means more may be due right now.
        if (claimed.length === free) this.again = true;
      } while (this.again && !this.stopped);
    } catch (err) {
      this.deps.logger.error({ err }, 'claiming deliveries failed; will retry at the next poll');
    } finally {
      this.claiming = false;
    }
  }

  private launch(item: ClaimedDelivery): void {
    const name = item.delivery.destination;
    this.total += 1;
    this.inFlight.set(name, (this.inFlight.get(name) ?? 0) + 1);
    const run = this.attempt(item)
      .catch((err: unknown) =>
        this.deps.logger.error({ err, deliveryId: item.delivery.id }, 'attempt failed to record'),
      )
      .finally(() => {
        this.total -= 1;
        this.inFlight.set(name, (this.inFlight.get(name) ?? 1) - 1);
        this.running.delete(run);
        this.wake();
      });
    this.running.add(run);
  }

  private async attempt({ delivery, event }: ClaimedDelivery): Promise<void> {
    const { logger, store, clock } = this.deps;
    const destination = this.destinations.get(delivery.destination);
    const startedAt = clock.now();
    const log = logger.child({
      requestId: event.requestId,
      eventId: event.id,
      deliveryId: delivery.id,
    });
    if (destination === undefined) {
      // The destination was removed from the config: hold nothing, say why.
      await store.attemptRecord({
        deliveryId: delivery.id,
        owner: this.owner,
        attempt: {
          id: newId('att'),
          startedAt,
          durationMs: 0,
          statusCode: null,
          responseBody: null,
          error: 'destination no longer configured',
          errorClass: 'configuration',
        },
        outcome: {
          state: 'dead',
          nextAttemptAt: startedAt,
          lastError: 'destination no longer configured',
          errorClass: 'configuration',
          deadReason: 'permanent',
        },
      });
      return;
    }
    const sent = await this.deps.sender.send(destination, event, startedAt);
    const number = delivery.attempts + 1;
    const decision = decideOutcome({
      result: sent.result,
      attempt: number,
      policy: destination.retry,
      now: clock.now(),
      random: this.deps.random ?? Math.random,
    });
    const statusCode = sent.result.kind === 'response' ? sent.result.status : null;
    const error = decision.state === 'delivered' ? null : decision.error;
    const errorClass = decision.state === 'delivered' ? null : decision.errorClass;
    const recorded = await store.attemptRecord({
      deliveryId: delivery.id,
      owner: this.owner,
      attempt: {
        id: newId('att'),
        startedAt,
        durationMs: sent.durationMs,
        statusCode,
        responseBody: sent.responseBody,
        error,
        errorClass,
      },
      outcome: {
        state: decision.state,
        nextAttemptAt: decision.state === 'retry' ? decision.nextAttemptAt : startedAt,
        lastError: error,
        errorClass,
        deadReason: decision.state === 'dead' ? decision.reason : null,
      },
    });
    if (!recorded) {
      log.warn('lease lost before the attempt was recorded; another worker owns this delivery now');
      return;
    }
    const fields = {
      destination: destination.name,
      attempt: number,
      status: statusCode,
      durationMs: sent.durationMs,
    };
    if (decision.state === 'delivered') log.info(fields, 'delivered');
    else if (decision.state === 'retry')
      log.warn(
        { ...fields, error, nextAttemptAt: decision.nextAttemptAt },
        'attempt failed; will retry',
      );
    else {
      log.error({ ...fields, error, reason: decision.reason }, 'delivery dead');
      if (decision.pauseDestination) {
        await store.destinationSetPaused({
          destination: destination.name,
          paused: true,
          reason: '410 Gone',
          now: clock.now(),
        });
        log.warn({ destination: destination.name }, 'destination paused: it answered 410 Gone');
      }
    }
  }
}
