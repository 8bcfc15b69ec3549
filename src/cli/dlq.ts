import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { AdminClient, query } from './admin-client.ts';
import { CliError, exitCodes, usageError } from './cli-error.ts';
import { stateText } from './events.ts';
import { intFlag, parseCommand } from './options.ts';
import { fields, table, when } from './table.ts';
import { jsonText, out, safeText } from './terminal.ts';

export const dlqHelp = `usage: hookgate dlq list [filters] [--limit N] [--before DELIVERY_ID]
       hookgate dlq show DELIVERY_ID
       hookgate dlq review|requeue|discard DELIVERY_ID [--by NAME] [--note TEXT]
       hookgate dlq review|requeue|discard (filters | --all) [--by NAME] [--note TEXT] [--dry-run]
       hookgate dlq export [filters] [--limit N] [--output FILE]
filters: --source NAME --destination NAME --provider NAME --error-class CLASS --dead-reason REASON
         --review failed|reviewing|discarded --received-since TIME --received-until TIME
         --dead-since TIME --dead-until TIME (ms or ISO 8601)`;

/** Flag → the API's name of each dead-letter filter. */
const filterNames = {
  source: 'source',
  destination: 'destination',
  provider: 'provider',
  'error-class': 'errorClass',
  'dead-reason': 'deadReason',
  review: 'review',
  'received-since': 'receivedSince',
  'received-until': 'receivedUntil',
  'dead-since': 'deadSince',
  'dead-until': 'deadUntil',
} as const;

const filterFlags = Object.fromEntries(
  Object.keys(filterNames).map((k) => [k, { type: 'string' }]),
) as Record<keyof typeof filterNames, { type: 'string' }>;

interface DeadLetter {
  id: string;
  eventId: string;
  source: string;
  destination: string;
  state: string;
  attempts: number;
  errorClass: string | null;
  deadReason: string | null;
  lastError: string | null;
  deadAt: number;
  review: string;
}

const actions = ['review', 'requeue', 'discard'] as const;
const counted = { review: 'reviewing', requeue: 'requeued', discard: 'discarded' } as const;

/** `hookgate dlq`: the dead-letter queue's review workflow from a terminal. */
export async function dlqCommand(argv: readonly string[]): Promise<void> {
  const { positionals, values, connection, json, help } = parseCommand('dlq', argv, {
    ...filterFlags,
    limit: { type: 'string' },
    before: { type: 'string' },
    by: { type: 'string' },
    note: { type: 'string' },
    all: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    output: { type: 'string', short: 'o' },
  });
  if (help) return out(`${dlqHelp}\n`);
  const client = new AdminClient(connection);
  const filter: Record<string, string> = {};
  for (const [flag, name] of Object.entries(filterNames)) {
    const v = values[flag as keyof typeof values];
    if (typeof v === 'string') filter[name] = v;
  }
  const [sub, id, ...rest] = positionals;
  if (rest.length > 0) throw usageError(`hookgate dlq: unexpected "${rest[0]}"`, dlqHelp);

  if (sub === 'list') {
    if (id !== undefined) throw usageError(`hookgate dlq list takes filters, not "${id}"`);
    const page = await client.get<{ deliveries: DeadLetter[]; next: string | null }>(
      `/admin/dlq${query({
        ...filter,
        limit: intFlag('limit', values.limit, 1, 500),
        before: values.before,
      })}`,
    );
    if (json) return out(`${jsonText(page, 2)}\n`);
    out(
      table(
        ['DELIVERY', 'EVENT', 'SOURCE', 'DESTINATION', 'REVIEW', 'DIED', 'ERROR'],
        page.deliveries.map((d) => [
          d.id,
          d.eventId,
          d.source,
          d.destination,
          d.review,
          when(d.deadAt),
          d.lastError,
        ]),
      ),
    );
    return out(
      `${page.deliveries.length} dead letters${page.next ? `; next page: --before ${page.next}` : ''}\n`,
    );
  }

  if (sub === 'show') {
    if (id === undefined) throw usageError('hookgate dlq show needs a DELIVERY_ID');
    const d = await client.get<
      DeadLetter & {
        attemptList: {
          number: number;
          startedAt: number;
          statusCode: number | null;
          durationMs: number;
          error: string | null;
        }[];
        reviewState: string | null;
        reviewedBy: string | null;
        reviewNote: string | null;
      }
    >(`/admin/deliveries/${encodeURIComponent(id)}`);
    if (json) return out(`${jsonText(d, 2)}\n`);
    out(
      fields([
        ['delivery', d.id],
        ['event', d.eventId],
        ['destination', d.destination],
        ['attempts', d.attempts],
        ['error class', d.errorClass],
        ['dead reason', d.deadReason],
        ['last error', d.lastError],
        ['review', d.reviewState],
        ['reviewed by', d.reviewedBy],
        ['review note', d.reviewNote],
      ]),
    );
    out(`state ${stateText(d.state).text}\n`);
    return out(
      table(
        ['#', 'STARTED', 'STATUS', 'TOOK', 'ERROR'],
        d.attemptList.map((a) => [
          a.number,
          when(a.startedAt),
          a.statusCode,
          `${a.durationMs} ms`,
          a.error,
        ]),
      ),
    );
  }

  if (sub === 'export') {
    if (id !== undefined) throw usageError(`hookgate dlq export takes filters, not "${id}"`);
    const res = await client.stream(
      `/admin/dlq/export${query({ ...filter, limit: intFlag('limit', values.limit, 1, 1_000_000) })}`,
    );
    // NDJSON as the gateway wrote it: one JSON object per line, its text escaped by JSON.
    const target = values.output ? createWriteStream(values.output) : process.stdout;
    try {
      await pipeline(res.body, target, { end: values.output !== undefined });
    } catch (err) {
      throw new CliError(
        `export failed: ${safeText((err as Error).message)}`,
        exitCodes.unreachable,
      );
    }
    return;
  }

  const action = actions.find((a) => a === sub);
  if (action === undefined)
    throw usageError(
      `hookgate dlq: ${sub === undefined ? 'which command?' : `unknown command "${safeText(sub)}"`}`,
      dlqHelp,
    );
  const review = {
    ...(values.by ? { by: values.by } : {}),
    ...(values.note ? { note: values.note } : {}),
  };
  if (id !== undefined) {
    if (Object.keys(filter).length > 0 || values.all)
      throw usageError(`hookgate dlq ${action}: give a DELIVERY_ID or filters, not both`);
    const done = await client.post<{ delivery: DeadLetter & { reviewState: string | null } }>(
      `/admin/dlq/${encodeURIComponent(id)}/${action}`,
      review,
    );
    if (json) return out(`${jsonText(done, 2)}\n`);
    return out(
      `${safeText(id)}: ${counted[action]} (state ${stateText(done.delivery.state).text})\n`,
    );
  }
  if (Object.keys(filter).length === 0 && values.all !== true)
    throw usageError(
      `hookgate dlq ${action} needs a DELIVERY_ID, filters, or --all (every dead letter)`,
    );
  if (values['dry-run'] === true) {
    const matching = await matches(client, filter);
    if (json) return out(`${jsonText({ dryRun: true, action, matching: matching.length }, 2)}\n`);
    out(
      `dry run: ${matching.length} dead letters would be ${counted[action]}; nothing was changed\n`,
    );
    return out(
      table(
        ['DELIVERY', 'SOURCE', 'DESTINATION', 'REVIEW', 'ERROR'],
        matching.slice(0, 20).map((d) => [d.id, d.source, d.destination, d.review, d.lastError]),
      ),
    );
  }
  const moved = await client.post<Record<string, number>>(`/admin/dlq/${action}`, {
    ...filter,
    ...review,
  });
  if (json) return out(`${jsonText(moved, 2)}\n`);
  out(`${moved[counted[action]] ?? 0} dead letters ${counted[action]}\n`);
}

/** Every dead letter matching the filter, page by page (a dry run counts what an action would move). */
async function matches(client: AdminClient, filter: Record<string, string>) {
  const all: DeadLetter[] = [];
  let before: string | undefined;
  for (;;) {
    const page = await client.get<{ deliveries: DeadLetter[]; next: string | null }>(
      `/admin/dlq${query({ ...filter, limit: 500, before })}`,
    );
    all.push(...page.deliveries);
    if (page.next === null) return all;
    before = page.next;
  }
}
