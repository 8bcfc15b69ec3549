import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A background service's loop with start()/stop() (stop idempotent, and it waits for the step in
 * progress): `step` runs again and again; when it says it found nothing to do, the loop waits
 * `idleMs` or until `wake()`. A failing step is reported and retried after `idleMs`. A step's own
 * `pause()` (backing off while the process is busy, pacing) is not cut short by `wake()`: under
 * load, wake-ups come with every commit.
 */
export class BackgroundLoop {
  private running: Promise<void> | undefined;
  private stopping = false;
  /** The idle wait, which `wake()` ends. */
  private idling: AbortController | undefined;
  /** Every wait, which `stop()` ends. */
  private readonly waits = new Set<AbortController>();

  constructor(
    private readonly step: () => Promise<'busy' | 'idle'>,
    private readonly options: { idleMs: () => number; onError: (err: unknown) => void },
  ) {}

  get started(): boolean {
    return this.running !== undefined;
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  /** Something may be due now: end the idle wait. */
  wake(): void {
    this.idling?.abort();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const wait of this.waits) wait.abort();
    await this.running;
    this.running = undefined;
  }

  /** Waits `ms` (unless stopped); false once stopping. */
  async pause(ms: number): Promise<boolean> {
    await this.wait(ms);
    return !this.stopping;
  }

  private async wait(ms: number, idle = false): Promise<void> {
    if (this.stopping) return;
    const wait = new AbortController();
    this.waits.add(wait);
    if (idle) this.idling = wait;
    await sleep(ms, undefined, { signal: wait.signal, ref: false }).catch(() => undefined);
    this.waits.delete(wait);
    if (idle) this.idling = undefined;
  }

  get stopped(): boolean {
    return this.stopping;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let outcome: 'busy' | 'idle';
      try {
        outcome = await this.step();
      } catch (err) {
        this.options.onError(err);
        outcome = 'idle';
      }
      if (outcome === 'idle') await this.wait(this.options.idleMs(), true);
      // Let other work (webhooks) run between steps.
      else await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
