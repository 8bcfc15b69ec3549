import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load.ts';
import { createLogger } from '../log.ts';
import { openMigrated, StartError, startServer } from '../server.ts';
import { displayStoreUrl, StoreUrlError } from '../store/open.ts';
import { errorCode, errorText } from '../domain/error-text.ts';
import { startDemoBackend } from './demo-backend.ts';
import { SendError, sendSimulated } from './send.ts';
import { CliError, exitCodes } from './cli-error.ts';
import { destinationsCommand } from './destinations.ts';
import { dlqCommand } from './dlq.ts';
import { eventsCommand } from './events.ts';
import { listenCommand } from './listen.ts';
import { pauseCommand } from './pause.ts';
import { replayCommand } from './replay.ts';
import { tailCommand } from './tail.ts';
import { safeText } from './terminal.ts';

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

operator commands (a running gateway's admin API; docs/cli.md; each has --help):
  events [filters]            search events          events show ID   one event in full
  replay ID | filters         replay (bulk: a job with a progress bar; --dry-run)
  dlq list|show|review|requeue|discard|export      the dead-letter queue
  destinations                state of each destination
  pause NAME | resume NAME    hold or release a destination's deliveries
  tail [--source NAME]        arriving events, live
  listen --source NAME --forward-to URL            forward a source's events to a local URL
  options: --url URL (default $HOOKGATE_URL or http://127.0.0.1:3002), --token TOKEN
  (default $ADMIN_TOKEN), --json; exit codes: 0 ok, 1 refused by the gateway, 2 usage,
  3 unreachable, 4 token, 5 not found

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
  // The answer may echo what was sent (a custom response, a verification challenge).
  process.stdout.write(
    `${result.method} ${result.url} -> ${result.status}\n${safeText(result.body)}\n`,
  );
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

/** The operator commands: each parses its own arguments (one file each). */
const operatorCommands: Record<string, (argv: readonly string[]) => Promise<void>> = {
  events: eventsCommand,
  replay: replayCommand,
  dlq: dlqCommand,
  destinations: destinationsCommand,
  pause: (argv) => pauseCommand('pause', argv),
  resume: (argv) => pauseCommand('resume', argv),
  tail: tailCommand,
  listen: listenCommand,
};

async function main(argv: readonly string[]): Promise<void> {
  const operator = argv[0] === undefined ? undefined : operatorCommands[argv[0]];
  if (operator) return operator(argv.slice(1));
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
  if (err instanceof CliError) {
    process.stderr.write(`hookgate: ${safeText(err.message)}\n${err.help ? `${err.help}\n` : ''}`);
    process.exit(err.exitCode);
  }
  if (process.argv[2] !== undefined && process.argv[2] in operatorCommands) {
    // Not expected: still one line, never a stack.
    process.stderr.write(
      `hookgate ${process.argv[2]}: unexpected error: ${safeText(err instanceof Error ? err.message : String(err))}\n`,
    );
    process.exit(exitCodes.api);
  }
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
