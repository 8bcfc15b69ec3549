import { setTimeout as sleep } from 'node:timers/promises';
import { AdminClient } from './admin-client.ts';
import { usageError } from './cli-error.ts';
import { eventFilterFlags, eventFilterHelp, eventFilterOf } from './event-filter-flags.ts';
import { stateText } from './events.ts';
import { intFlag, parseCommand } from './options.ts';
import { ProgressBar } from './progress.ts';
import { fields, table } from './table.ts';
import { jsonText, out, safeText } from './terminal.ts';

export const replayHelp = `usage: hookgate replay EVENT_ID [--destination NAME]... [--route NAME]... [--dry-run]
       hookgate replay [filters] [--destination NAME]... [--route NAME]... [--dry-run] [--no-wait]
a replay is a new delivery of a stored event (to its routes as configured now, or the ones named);
by filter it is a background job: a progress bar follows it until it ends (--no-wait: print its id)
${eventFilterHelp}`;

interface Job {
  id: string;
  state: string;
  total: number;
  done: number;
  failed: number;
  error: string | null;
  deliveries?: Record<string, number>;
}

interface Plan {
  events: number;
  exact: boolean;
  destinations: Record<string, number>;
  estimatedDeliveries: number;
  estimatedSeconds: number;
}

const finished = new Set(['completed', 'failed', 'cancelled']);

/** `hookgate replay`: one event now, or every event of a filter as a job (with a dry run). */
export async function replayCommand(argv: readonly string[]): Promise<void> {
  const { positionals, values, connection, json, help } = parseCommand('replay', argv, {
    ...eventFilterFlags,
    destination: { type: 'string', multiple: true },
    route: { type: 'string', multiple: true },
    'dry-run': { type: 'boolean' },
    'no-wait': { type: 'boolean' },
    interval: { type: 'string' },
    by: { type: 'string' },
  });
  if (help) return out(`${replayHelp}\n`);
  const client = new AdminClient(connection);
  const destinations = values.destination as string[] | undefined;
  const routes = values.route as string[] | undefined;
  const targets = {
    ...(destinations ? { destinations } : {}),
    ...(routes ? { routes } : {}),
  };
  // --destination names a replay target here, not a filter (filter by it with --filter destination=…).
  const filter = eventFilterOf({ ...values, destination: undefined });
  const dryRun = values['dry-run'] === true;
  if (positionals.length > 1) throw usageError(`hookgate replay takes one EVENT_ID`, replayHelp);
  const id = positionals[0];
  if (id !== undefined) {
    if (Object.keys(filter).length > 0)
      throw usageError('hookgate replay: give an EVENT_ID or filters, not both');
    const path = `/admin/events/${encodeURIComponent(id)}`;
    if (dryRun) {
      // Nothing is stored: the event is read to show it exists and where it would go.
      const event = await client.get<{ id: string; source: string }>(path);
      const where = destinations ?? routes;
      const plan = { dryRun: true, event: event.id, source: event.source, ...targets };
      if (json) return out(`${jsonText(plan, 2)}\n`);
      return out(
        `dry run: event ${safeText(event.id)} (source ${safeText(event.source)}) would be replayed to ${
          where ? safeText(where.join(', ')) : 'the routes of its source as configured now'
        }; nothing was stored\n`,
      );
    }
    const made = await client.post<{
      deliveries: { id: string; destination: string; state: string }[];
    }>(`${path}/replay`, targets);
    if (json) return out(`${jsonText(made, 2)}\n`);
    if (made.deliveries.length === 0)
      return out('nothing to replay: no route takes this event now\n');
    return out(
      table(
        ['DELIVERY', 'DESTINATION', 'STATE'],
        made.deliveries.map((d) => [d.id, d.destination, stateText(d.state)]),
      ),
    );
  }
  if (Object.keys(filter).length === 0)
    throw usageError(
      `hookgate replay needs an EVENT_ID or at least one filter (a replay of everything is --since 0)`,
      replayHelp,
    );
  const body = { filter, ...targets, dryRun, ...(values.by ? { by: values.by } : {}) };
  if (dryRun) {
    const { plan } = await client.post<{ plan: Plan }>('/admin/replays', body);
    if (json) return out(`${jsonText({ dryRun: true, plan }, 2)}\n`);
    out(
      fields([
        ['dry run', 'nothing was stored'],
        ['events', `${plan.exact ? '' : 'about '}${plan.events}`],
        ['deliveries', `about ${plan.estimatedDeliveries}`],
        ['takes', `about ${Math.ceil(plan.estimatedSeconds)} s`],
      ]),
    );
    return out(
      table(
        ['DESTINATION', 'EVENTS (SAMPLED)'],
        Object.entries(plan.destinations).map(([d, n]) => [d, n]),
      ),
    );
  }
  const { jobId } = await client.post<{ jobId: string }>('/admin/replays', body);
  if (values['no-wait'] === true)
    return out(json ? `${jsonText({ jobId })}\n` : `replay job ${safeText(jobId)} started\n`);
  const interval = intFlag('interval', values.interval as string | undefined, 50, 60_000) ?? 500;
  const bar = json ? undefined : new ProgressBar(process.stdout, `replay ${safeText(jobId)}`);
  let job: Job;
  for (;;) {
    job = await client.get<Job>(`/admin/jobs/${encodeURIComponent(jobId)}`);
    bar?.update(job.done, job.total, job.state === 'running' ? '' : job.state);
    if (finished.has(job.state)) break;
    await sleep(interval);
  }
  bar?.finish();
  if (json) return out(`${jsonText(job, 2)}\n`);
  out(
    `replay job ${job.id} ${safeText(job.state)}: ${job.done} events replayed, ${job.failed} failed${
      job.error ? ` (${safeText(job.error)})` : ''
    }\n`,
  );
  if (job.state !== 'completed') process.exitCode = 1;
}
