import { AdminClient, query } from './admin-client.ts';
import { usageError } from './cli-error.ts';
import { eventFilterFlags, eventFilterHelp, eventFilterOf } from './event-filter-flags.ts';
import { intFlag, parseCommand } from './options.ts';
import { fields, Styled, table, when } from './table.ts';
import { colorsFor, jsonText, out, safeText } from './terminal.ts';

export const eventsHelp = `usage: hookgate events [filters] [--limit N] [--before CURSOR]
       hookgate events show EVENT_ID
${eventFilterHelp}`;

interface EventSummary {
  id: string;
  source: string;
  provider: string;
  eventType: string | null;
  receivedAt: number;
  bodyBytes: number;
  duplicateCount: number;
}

interface Attempt {
  number: number;
  startedAt: number;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  outcome: string;
}

interface EventDetail extends Omit<EventSummary, 'bodyBytes'> {
  providerEventId: string | null;
  requestId: string;
  clientIp: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  bodyEncoding: 'utf8' | 'base64';
  deliveries: {
    id: string;
    destination: string;
    state: string;
    attempts: number;
    origin: string;
    lastError: string | null;
    attemptList: Attempt[];
  }[];
}

/** `hookgate events`: search, and one event with its deliveries and attempts. */
export async function eventsCommand(argv: readonly string[]): Promise<void> {
  const { positionals, values, connection, json, help } = parseCommand('events', argv, {
    ...eventFilterFlags,
    limit: { type: 'string' },
    before: { type: 'string' },
  });
  if (help) return out(`${eventsHelp}\n`);
  const client = new AdminClient(connection);
  if (positionals[0] === 'show') {
    const id = positionals[1];
    if (id === undefined || positionals.length > 2)
      throw usageError(`hookgate events show needs one EVENT_ID`, eventsHelp);
    const event = await client.get<EventDetail>(`/admin/events/${encodeURIComponent(id)}`);
    return out(json ? `${jsonText(event, 2)}\n` : showEvent(event));
  }
  if (positionals.length > 0)
    throw usageError(`hookgate events: unexpected "${positionals[0]}"`, eventsHelp);
  const found = await client.get<{
    events: EventSummary[];
    next: string | null;
    count: { count: number; exact: boolean };
  }>(
    `/admin/events${query({
      ...eventFilterOf(values),
      limit: intFlag('limit', values.limit as string | undefined, 1, 500),
      before: values.before as string | undefined,
    })}`,
  );
  if (json) return out(`${jsonText(found, 2)}\n`);
  out(
    table(
      ['ID', 'RECEIVED', 'SOURCE', 'TYPE', 'BYTES', 'DUPLICATES'],
      found.events.map((e) => [
        e.id,
        when(e.receivedAt),
        e.source,
        e.eventType,
        e.bodyBytes,
        e.duplicateCount,
      ]),
    ),
  );
  const total = `${found.count.exact ? '' : 'about '}${found.count.count}`;
  out(
    `${found.events.length} shown of ${total} matching${found.next ? `; next page: --before ${found.next}` : ''}\n`,
  );
}

/** The body for people: pretty-printed when it is JSON, escaped either way. */
function bodyText(event: EventDetail): string {
  if (event.bodyEncoding === 'base64') return `(binary, base64) ${event.body}`;
  try {
    return JSON.stringify(JSON.parse(event.body), null, 2);
  } catch {
    return event.body;
  }
}

function showEvent(event: EventDetail): string {
  const c = colorsFor(process.stdout);
  const headers = Object.entries(event.headers).map(
    ([k, v]) => `  ${safeText(k)}: ${safeText(v)}\n`,
  );
  // Line by line, each escaped: the body's own newlines stay, no control character passes.
  const body = bodyText(event)
    .split('\n')
    .map((line) => `  ${safeText(line)}\n`)
    .join('');
  const attempts = event.deliveries.flatMap((d) =>
    d.attemptList.map((a) => [
      d.id,
      d.destination,
      a.number,
      when(a.startedAt),
      a.statusCode,
      `${a.durationMs} ms`,
      a.outcome,
      a.error,
    ]),
  );
  return [
    fields([
      ['id', event.id],
      ['source', event.source],
      ['provider', event.provider],
      ['type', event.eventType],
      ['provider event id', event.providerEventId],
      ['received', when(event.receivedAt)],
      ['request', `${event.method} ${event.url}`],
      ['request id', event.requestId],
      ['client ip', event.clientIp],
      ['duplicates', event.duplicateCount],
    ]),
    `${c.bold('headers')}\n${headers.join('')}`,
    `${c.bold('body')}\n${body}`,
    `${c.bold('deliveries')}\n`,
    event.deliveries.length === 0
      ? '  (none)\n'
      : table(
          ['DELIVERY', 'DESTINATION', 'STATE', 'ATTEMPTS', 'ORIGIN', 'LAST ERROR'],
          event.deliveries.map((d) => [
            d.id,
            d.destination,
            stateText(d.state),
            d.attempts,
            d.origin,
            d.lastError,
          ]),
        ),
    attempts.length === 0
      ? ''
      : `${c.bold('attempts')}\n${table(['DELIVERY', 'DESTINATION', '#', 'STARTED', 'STATUS', 'TOOK', 'OUTCOME', 'ERROR'], attempts)}`,
  ].join('');
}

/** A delivery state, coloured by how it went (on a terminal). */
export function stateText(state: string): Styled {
  const c = colorsFor(process.stdout);
  const text = safeText(state);
  if (state === 'delivered') return new Styled(c.green(text));
  if (state === 'dead' || state === 'quarantined') return new Styled(c.red(text));
  if (state === 'retry' || state === 'held' || state === 'queued')
    return new Styled(c.yellow(text));
  return new Styled(text);
}
