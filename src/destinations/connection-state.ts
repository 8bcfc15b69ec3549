import type { Logger } from 'pino';
import type { ConnectionCheck } from './destination.ts';

/**
 * A broker connection's state as its client reports it, for /health, and the one log line per
 * change (lost / back) rather than one per failed reconnect.
 */
export class ConnectionState {
  private status: ConnectionCheck['status'] = 'connecting';
  private lastError: string | undefined;
  private wasConnected = false;
  private closing = false;

  constructor(
    private readonly logger: Logger,
    private readonly what: { readonly type: string; readonly url: string },
  ) {}

  get connected(): boolean {
    return this.status === 'connected';
  }

  up(): void {
    if (this.status === 'connected') return;
    this.status = 'connected';
    this.lastError = undefined;
    this.logger.info(
      this.what,
      this.wasConnected ? 'broker connection is back' : 'broker connected',
    );
    this.wasConnected = true;
  }

  down(error?: string): void {
    if (error !== undefined) this.lastError = error;
    if (this.status !== 'connected' || this.closing) return;
    this.status = 'disconnected';
    this.logger.warn(
      { ...this.what, error: this.lastError ?? 'connection closed' },
      'broker connection lost; attempts fail as temporary and retry until it is back',
    );
  }

  /** An error while not connected (a failed reconnect): kept for /health, not logged each time. */
  error(error: string): void {
    this.lastError = error;
  }

  /** Closed on purpose (shutdown): nothing to warn about. */
  close(): void {
    this.closing = true;
    this.status = 'disconnected';
  }

  check(): ConnectionCheck {
    return this.status === 'connected' || this.lastError === undefined
      ? { status: this.status }
      : { status: this.status, error: this.lastError };
  }
}

/** A broker URL without its password, for logs and /health. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable url)';
  }
}
