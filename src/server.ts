import type { Logger } from 'pino';
import { buildApp, type HookgateApp } from './app.ts';
import { startBanner } from './banner.ts';
import type { LoadedConfig } from './config/load.ts';
import { systemClock } from './domain/clock.ts';
import { errorCode, errorText } from './domain/error-text.ts';
import { createLogger } from './log.ts';
import { metricsServer } from './ingress/metrics-route.ts';
import { displayStoreUrl, openStore } from './store/open.ts';
import type { Store } from './store/store.ts';

const redisStartWaitMs = 2000;

export interface RunningServer {
  readonly app: HookgateApp;
  readonly store: Store;
  readonly url: string;
  /** The separate `/metrics` listener's URL, when `metrics.port` is set. */
  readonly metricsUrl: string | undefined;
  /** Graceful stop; resolves true when everything finished within the shutdown timeout. */
  stop(): Promise<boolean>;
}

/** A start that failed for a reason the operator can fix: said in one line, no stack. */
export class StartError extends Error {}

/** Why listening failed, in the operator's words. */
function listenProblem(err: unknown, host: string, port: number): string {
  const where = `${host}:${port}`;
  switch (errorCode(err)) {
    case 'EADDRINUSE':
      return `cannot listen on ${where}: the port is in use (another process listens there; set PORT or server.port)`;
    case 'EACCES':
      return `cannot listen on ${where}: permission denied (ports below 1024 need privileges; set PORT or server.port)`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${where}: no such address on this machine (set HOST or server.host)`;
    default:
      return `cannot listen on ${where}: ${errorText(err)}`;
  }
}

/** Opens and migrates the store; a store that cannot be opened is a StartError. */
export async function openMigrated(loaded: LoadedConfig, logger: Logger): Promise<Store> {
  const { storage } = loaded.config;
  let store: Store | undefined;
  try {
    store = openStore(storage.url, {
      busyTimeoutMs: storage.busyTimeout,
      poolSize: storage.poolSize,
      onWarning: (message) => logger.warn(message),
    });
    await store.migrate();
    return store;
  } catch (err) {
    await store?.close().catch(() => undefined);
    throw new StartError(
      `cannot open the database ${displayStoreUrl(storage.url)}: ${errorText(err)}`,
      { cause: err },
    );
  }
}

/** Opens the store, migrates, listens. The caller owns signals and the exit code. */
export async function startServer(
  loaded: LoadedConfig,
  logger: Logger = createLogger(loaded.config.logging.level),
): Promise<RunningServer> {
  const { config } = loaded;
  const store = await openMigrated(loaded, logger);
  for (const s of config.sources.filter((src) => src.provider === 'none')) {
    logger.warn({ source: s.name }, 'source uses provider "none": its webhooks are NOT verified');
  }
  const app = buildApp({ config, store, clock: systemClock, logger });
  // A moment for Redis, so the first requests already share limits; a Redis that is down does
  // not hold the start (the gateway runs on local state until it connects).
  await app.redis?.whenReady(redisStartWaitMs);
  // Likewise for broker destinations: the first attempts find their connections up.
  await app.destinations.whenConnected(redisStartWaitMs);
  let address: string;
  try {
    address = await app.http.listen({ host: config.server.host, port: config.server.port });
  } catch (err) {
    await app.drain(0);
    await store.close();
    throw new StartError(listenProblem(err, config.server.host, config.server.port), {
      cause: err,
    });
  }
  const port = Number(new URL(address).port);
  // `/metrics` alone on a port of its own, for a scrape network that must not reach webhooks.
  const scrape =
    config.metrics.port !== undefined && app.observe.metrics
      ? metricsServer(config, app.observe.metrics, logger)
      : undefined;
  let metricsUrl: string | undefined;
  if (scrape) {
    const host = config.metrics.host ?? config.server.host;
    const metricsPort = config.metrics.port ?? 0;
    try {
      const at = await scrape.listen({ host, port: metricsPort });
      metricsUrl = `http://127.0.0.1:${new URL(at).port}/metrics`;
    } catch (err) {
      await app.drain(0);
      await store.close();
      throw new StartError(`metrics: ${listenProblem(err, host, metricsPort)}`, { cause: err });
    }
  }
  if (config.delivery.enabled) app.dispatcher.start();
  app.searchIndexer.start();
  app.retention.start();
  app.replayJobs.start();
  process.stdout.write(`${startBanner(loaded, config.server.host, port)}\n`);
  if (metricsUrl) process.stdout.write(`metrics on ${metricsUrl}\n`);

  let stopping: Promise<boolean> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), config.server.shutdownTimeout);
      });
      await scrape?.close();
      // Leave a fifth of the budget for closing the store after attempts in flight finish.
      const drained = app.drain(Math.floor(config.server.shutdownTimeout * 0.8)).then(() => true);
      const clean = await Promise.race([drained, timedOut]);
      clearTimeout(timer);
      if (!clean) {
        logger.error(
          { timeoutMs: config.server.shutdownTimeout },
          'shutdown timed out; closing connections',
        );
        app.http.server.closeAllConnections();
        await app.commits.flush();
        await app.redis?.close();
      }
      await store.close();
      return clean;
    })();
    return stopping;
  };
  return { app, store, url: `http://127.0.0.1:${port}`, metricsUrl, stop };
}
