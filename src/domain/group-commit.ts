/**
 * Group commit: items submitted in the same event-loop turn are written by ONE call of `commit`
 * (one transaction, one fsync), and each submitter's promise settles only after that call does.
 * A failed commit rejects every item in it. While a commit is in flight, new items queue for the
 * next one, so batches grow with load instead of transactions multiplying.
 */
export interface GroupCommitOptions<T, R> {
  readonly commit: (items: readonly T[]) => Promise<readonly R[]>;
  /** Largest batch per commit. */
  readonly maxBatch: number;
  /** Commits allowed to run at once (1 for SQLite's single writer). */
  readonly maxInFlight?: number;
  /** Called after every commit with its size and outcome, for metrics and readiness. */
  readonly onCommit?: (size: number, error: Error | undefined) => void;
}

interface Pending<T, R> {
  readonly item: T;
  readonly resolve: (result: R) => void;
  readonly reject: (error: Error) => void;
}

export class GroupCommit<T, R> {
  private queue: Pending<T, R>[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly idle = new Set<() => void>();

  constructor(private readonly options: GroupCommitOptions<T, R>) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  /** Items waiting or being committed. */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  /** Resolves once everything submitted so far is committed (or failed). */
  flush(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.add(resolve));
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate, not a microtask: lets every request parsed in this I/O turn join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    const maxInFlight = this.options.maxInFlight ?? 1;
    while (this.queue.length > 0 && this.inFlight < maxInFlight) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight += 1;
      void this.run(batch);
    }
  }

  private async run(batch: Pending<T, R>[]): Promise<void> {
    let error: Error | undefined;
    try {
      const results = await this.options.commit(batch.map((p) => p.item));
      if (results.length !== batch.length)
        throw new Error('commit returned a wrong number of results');
      batch.forEach((p, i) => p.resolve(results[i] as R));
    } catch (err) {
      error = err instanceof Error ? err : new Error(String(err));
      for (const p of batch) p.reject(error);
    } finally {
      this.inFlight -= 1;
      this.options.onCommit?.(batch.length, error);
      if (this.queue.length > 0) this.drain();
      else if (this.inFlight === 0) this.notifyIdle();
    }
  }

  private notifyIdle(): void {
    for (const resolve of this.idle) resolve();
    this.idle.clear();
  }
}
