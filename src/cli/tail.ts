import { usageError } from './cli-error.ts';
import { followEvents, type StreamedEvent } from './event-follow.ts';
import { intFlag, parseCommand } from './options.ts';
import { when } from './table.ts';
import { colorsFor, err, jsonText, out, safeText } from './terminal.ts';

export const tailHelp = `usage: hookgate tail [--source NAME] [--after EVENT_ID] [--idle-timeout SECONDS]
arriving events, one line each (--json: one JSON object per line), until Ctrl-C;
reconnects by itself after a drop and goes on after the last event shown`;

/** `hookgate tail`: the live event stream, like the dashboard's. */
export async function tailCommand(argv: readonly string[]): Promise<void> {
  const { positionals, values, connection, json, help } = parseCommand('tail', argv, {
    source: { type: 'string' },
    after: { type: 'string' },
    'idle-timeout': { type: 'string' },
  });
  if (help) return out(`${tailHelp}\n`);
  if (positionals.length > 0)
    throw usageError(`hookgate tail: unexpected "${safeText(positionals[0])}"`);
  const c = colorsFor(process.stdout);
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  await followEvents({
    connection,
    source: values.source,
    after: values.after,
    idleMs: (intFlag('idle-timeout', values['idle-timeout'], 1, 3600) ?? 45) * 1000,
    signal: stop.signal,
    onStatus: (line) => err(`hookgate tail: ${safeText(line)}\n`),
    onEvent: (event: StreamedEvent) => {
      out(
        json
          ? `${jsonText(event)}\n`
          : `${c.dim(when(event.receivedAt))}  ${safeText(event.id)}  ${c.cyan(safeText(event.source))}  ${safeText(event.eventType ?? '-')}  ${event.bodyBytes} B\n`,
      );
      return Promise.resolve();
    },
  });
}
