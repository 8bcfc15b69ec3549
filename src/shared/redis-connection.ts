import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** `shared`: limits and breakers live in Redis; `local`: this instance's memory (Redis is away). */
export type SharedMode = 'shared' | 'local';

export interface RedisCheck {
  readonly status: 'ok' | 'failing';
  readonly mode: SharedMode;
  readonly latencyMs?: number;
}

export interface RedisConnectionOptions {
  readonly url: string;
  readonly keyPrefix: string;
  readonly logger: Logger;
  /** Connected or lost (for telemetry; the connection logs it itself). */
  readonly onChange?: ((status: 'connected' | 'disconnected', error?: string) => void) | undefined;
}

/** A command that takes longer than this fails, and the caller falls back to local state. */
const commandTimeoutMs = 500;
/** No byte back for this long while commands wait: the socket is dead, reconnect. */
const socketTimeoutMs = 1000;
const connectTimeoutMs = 2000;
const maxReconnectDelayMs = 2000;

/**
 * The one Redis connection of an instance. Redis is an optimisation, never a dependency: no
 * command waits in a queue or for a reconnect (`enableOfflineQueue: false`, short timeouts), the
 * client reconnects forever in the background, and while it is not ready everything uses local
 * state. Logs one warning when Redis is lost and one info line when it is back.
 */
export class RedisConnection {
  readonly client: Redis;
  private readonly logger: Logger;
  private readonly onChange: RedisConnectionOptions['onChange'];
  /** Whether "unavailable" was logged and "back" was not yet. */
  private lost = false;
  private connectedOnce = false;
  private closing = false;
  private lastError: string | undefined;

  constructor(options: RedisConnectionOptions) {
    this.logger = options.logger;
    this.onChange = options.onChange;
    this.client = new Redis(options.url, {
      keyPrefix: options.keyPrefix,
      enableOfflineQueue: false,
      commandTimeout: commandTimeoutMs,
      socketTimeout: socketTimeoutMs,
      connectTimeout: connectTimeoutMs,
      maxRetriesPerRequest: 1,
      // Reconnect forever, backing off up to 2 s: the gateway runs on local state meanwhile.
      retryStrategy: (times) => Math.min(times * 200, maxReconnectDelayMs),
    });
    this.client.on('ready', () => this.onReady());
    this.client.on('close', () => this.onDown());
    // Without a listener ioredis prints every failed reconnect; the state change is logged once.
    this.client.on('error', (err: Error) => {
      this.lastError = err.message;
    });
  }

  /** Where shared state lives right now. */
  get mode(): SharedMode {
    return this.client.status === 'ready' ? 'shared' : 'local';
  }

  /** Resolves true once connected, false after `timeoutMs` (starting never waits longer). */
  async whenReady(timeoutMs: number): Promise<boolean> {
    if (this.mode === 'shared') return true;
    return new Promise((resolve) => {
      const done = (ready: boolean) => {
        clearTimeout(timer);
        this.client.off('ready', onReady);
        resolve(ready);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.client.on('ready', onReady);
    });
  }

  /** For /health: a PING when connected. */
  async check(): Promise<RedisCheck> {
    if (this.mode !== 'shared') return { status: 'failing', mode: 'local' };
    const started = performance.now();
    try {
      await this.client.ping();
      return {
        status: 'ok',
        mode: this.mode,
        latencyMs: Math.round((performance.now() - started) * 100) / 100,
      };
    } catch {
      return { status: 'failing', mode: this.mode };
    }
  }

  /** Closes the connection (idempotent); never waits more than a command timeout. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.client.status === 'ready') {
      try {
        await this.client.quit();
        return;
      } catch {
        // fall through: drop the socket
      }
    }
    this.client.disconnect();
  }

  private onReady(): void {
    if (this.lost) this.logger.info('redis is back: rate limits and circuit breakers are shared');
    else if (!this.connectedOnce)
      this.logger.info('redis connected: rate limits and circuit breakers are shared');
    this.lost = false;
    this.connectedOnce = true;
    this.lastError = undefined;
    this.onChange?.('connected');
  }

  private onDown(): void {
    if (this.closing || this.lost) return;
    this.lost = true;
    this.logger.warn(
      { error: this.lastError ?? 'connection closed' },
      'redis unavailable: using local rate limits and circuit breakers until it is back',
    );
    this.onChange?.('disconnected', this.lastError);
  }
}
