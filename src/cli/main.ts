import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load.ts';
import { createLogger } from '../log.ts';
import { openMigrated, StartError, startServer } from '../server.ts';
import { displayStoreUrl, StoreUrlError } from '../store/open.ts';
import { errorCode, errorText } from '../domain/error-text.ts';
import { startDemoBackend } from './demo-backend.ts';
import { SendError, sendSimulated } from './send.ts';

const usage = `usage: hookgate <command>

commands:
  serve     run the gateway (default)
  migrate   apply database migrations and exit
  send <provider> --source NAME [--file payload.json] [--id EVENT_ID]
            [--url http://127.0.0.1:3002] [--secret S] [--key private.pem]
            sign a sample (or the file) exactly as the provider would and post it to a
            running gateway, with the source's own secret and options; each send is a new
            event (a new id) unless --id or the file says otherwise
  demo-backend [--port 3001]
            a throwaway backend that prints every order the gateway delivers (the example
            configuration's destination: http://127.0.0.1:3001/api/integration/orders)

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
    id: str('id'),
  });
  process.stdout.write(`${result.method} ${result.url} -> ${result.status}\n${result.body}\n`);
  if (result.status < 200 || result.status > 299) process.exitCode = 1;
}

async function demoBackend(port: string | undefined): Promise<void> {
  const number = port === undefined ? 3001 : Number(port);
  if (!Number.isInteger(number) || number < 0 || number > 65535) {
    process.stderr.write(`hookgate demo-backend: --port must be a port number, not "${port}"\n`);
    process.exitCode = 2;
    return;
  }
  let url: string;
  try {
    ({ url } = await startDemoBackend(number));
  } catch (err) {
    throw new StartError(
      `cannot listen on 127.0.0.1:${number}: ${errorCode(err) === 'EADDRINUSE' ? 'the port is in use (give another with --port)' : errorText(err)}`,
    );
  }
  process.stdout.write(
    `demo backend listening on ${url}: every order the gateway delivers is printed here (Ctrl-C stops it)\n`,
  );
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
      id: { type: 'string' },
      port: { type: 'string' },
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
  if (command === 'demo-backend') return demoBackend(values.port);
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
