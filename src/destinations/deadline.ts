import type { Verdict } from '../domain/outcome.ts';

/**
 * A broker's confirmation within the attempt's deadline: one not in by then is a `temporary`
 * failure (the message may still arrive; its idempotency key lets the consumer drop a repeat).
 * `send` classifies its own errors; one it lets through is a temporary failure.
 */
export function withDeadline(deadlineMs: number, send: () => Promise<Verdict>): Promise<Verdict> {
  return new Promise<Verdict>((resolve) => {
    let settled = false;
    const settle = (verdict: Verdict) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(verdict);
    };
    const timer = setTimeout(
      () => settle(failed('temporary', `timeout: no confirmation within ${deadlineMs} ms`)),
      deadlineMs,
    );
    send().then(settle, (err: unknown) =>
      settle(failed('temporary', err instanceof Error ? err.message : String(err))),
    );
  });
}

export function failed(
  errorClass: Extract<Verdict, { kind: 'failed' }>['errorClass'],
  error: string,
): Verdict {
  return { kind: 'failed', errorClass, error, status: null, response: null };
}

export function delivered(response: string): Verdict {
  return { kind: 'delivered', status: null, response };
}
