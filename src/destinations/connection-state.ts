import type { Logger } from 'pino';
import type { ConnectionChange, ConnectionCheck, DriverContext } from './destination.ts';

/**
 * A broker connection's state as its client reports it, for /health, and the one log line per
 * change (lost / back) rather than one per failed reconnect.
 */
export class ConnectionState {
  private status: ConnectionCheck['status'] = 'connecting';
  private lastError: string | undefined;
  private wasConnected = false;
  private closing = false;

  private readonly logger: Logger;
  private readonly onChange: ((change: ConnectionChange) => void) | undefined;

  constructor(
    context: DriverContext,
    private readonly what: { readonly type: string; readonly url: string },
  ) {
    this.logger = context.logger;
    this.onChange = context.onConnectionChange;
  }

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
    this.onChange?.({ kind: this.what.type, status: 'connected', target: this.what.url });
  }

  down(error?: string): void {
    if (error !== undefined) this.lastError = error;
    if (this.status !== 'connected' || this.closing) return;
    this.status = 'disconnected';
    this.logger.warn(
      { ...this.what, error: this.lastError ?? 'connection closed' },
      'broker connection lost; attempts fail as temporary and retry until it is back',
    );
    this.onChange?.({
      kind: this.what.type,
      status: 'disconnected',
      target: this.what.url,
      error: this.lastError,
    });
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
