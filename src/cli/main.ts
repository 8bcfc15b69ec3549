import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load.ts';
import { createLogger } from '../log.ts';
import { openMigrated, StartError, startServer } from '../server.ts';
import { displayStoreUrl, StoreUrlError } from '../store/open.ts';
import { SendError, sendSimulated } from './send.ts';

const usage = `usage: hookgate <command>

commands:
  serve     run the gateway (default)
  migrate   apply database migrations and exit
  send <provider> --source NAME [--file payload.json] [--url http://127.0.0.1:3002]
            [--secret S] [--key private.pem]
            sign a sample (or the file) exactly as the provider would and post it to a
            running gateway, with the source's own secret and options

environment: HOOKGATE_CONFIG, PORT, HOST, DATABASE_URL, LOG_LEVEL, HOOKGATE_DATA_DIR`;

async function serve(): Promise<void> {
  const loaded = loadConfig();
  const logger = createLogger(loaded.config.logging.level);
  const server = await startServer(loaded, logger);
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    void server.stop().then((clean) => {
      logger.info({ clean }, 'stopped');
      logger.flush();
      process.exit(clean ? 0 : 1);
    });
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

async function migrate(): Promise<void> {
  const loaded = loadConfig();
  const store = await openMigrated(loaded, createLogger(loaded.config.logging.level));
  await store.close();
  process.stdout.write(`migrations applied to ${displayStoreUrl(loaded.config.storage.url)}\n`);
}

async function send(provider: string | undefined, values: Record<string, unknown>) {
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const source = str('source');
  if (provider === undefined || source === undefined) {
    process.stderr.write(`hookgate send needs a provider and --source\n${usage}\n`);
    process.exitCode = 2;
    return;
  }
  const result = await sendSimulated(loadConfig(), {
    provider,
    source,
    file: str('file'),
    url: str('url'),
    secret: str('secret'),
    key: str('key'),
  });
  process.stdout.write(`${result.method} ${result.url} -> ${result.status}\n${result.body}\n`);
  if (result.status < 200 || result.status > 299) process.exitCode = 1;
}

async function main(argv: readonly string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      source: { type: 'string' },
      file: { type: 'string' },
      url: { type: 'string' },
      secret: { type: 'string' },
      key: { type: 'string' },
    },
  });
  const command = positionals[0] ?? 'serve';
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  if (command === 'serve') return serve();
  if (command === 'migrate') return migrate();
  if (command === 'send') return send(positionals[1], values);
  process.stderr.write(`unknown command: ${command}\n${usage}\n`);
  process.exitCode = 2;
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (
    err instanceof ConfigError ||
    err instanceof StoreUrlError ||
    err instanceof SendError ||
    err instanceof StartError
  ) {
    process.stderr.write(`hookgate: ${err.message}\n`);
  } else {
    process.stderr.write(
      `hookgate: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
  }
  process.exit(1);
});
