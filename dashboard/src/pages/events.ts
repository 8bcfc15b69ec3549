import { api, type Query } from '../api.ts';
import { button, fill, h } from '../dom.ts';
import { count, counts, duration, time } from '../format.ts';
import { filterForm, filterFromUrl, type FilterSpec } from '../filter-form.ts';
import type { Page, PageContext } from '../page.ts';
import { base, eventHref } from '../router.ts';
import type { EventList, Job, ReplayPlan } from '../types.ts';

/** The search's filters (GET /admin/events), as the page's URL query names them too. */
const filters: readonly FilterSpec[] = [
  { name: 'q', label: 'Body contains' },
  { name: 'source', label: 'Source' },
  { name: 'type', label: 'Type' },
  { name: 'typePrefix', label: 'Type prefix' },
  {
    name: 'state',
    label: 'Delivery state',
    choices: [
      '',
      'pending',
      'queued',
      'retry',
      'held',
      'quarantined',
      'delivered',
      'skipped',
      'dead',
      'discarded',
    ].map((s) => [s, s || 'any'] as const),
  },
  { name: 'destination', label: 'Destination' },
  { name: 'providerEventId', label: 'Provider event id' },
  { name: 'requestId', label: 'Request id' },
  { name: 'since', label: 'Since (ISO 8601)' },
  { name: 'until', label: 'Until (ISO 8601)' },
];

/** A delivery in one of these is still on its way. */
const waitingStates = ['pending', 'queued', 'retry', 'held'];

/** Polls a bulk replay job until it is over, as a progress bar. */
function followJob(into: HTMLElement, ctx: PageContext, jobId: string): void {
  const bar = h('progress', { max: 1, value: 0 });
  const label = h('span', { class: 'job-state' });
  let over = false;
  const controls = h('span', {}, [
    button(
      'Pause',
      () => void api.post(`/admin/jobs/${encodeURIComponent(jobId)}/pause`).catch(ctx.fail),
    ),
    button(
      'Resume',
      () => void api.post(`/admin/jobs/${encodeURIComponent(jobId)}/resume`).catch(ctx.fail),
    ),
    button(
      'Cancel',
      () => void api.post(`/admin/jobs/${encodeURIComponent(jobId)}/cancel`).catch(ctx.fail),
    ),
  ]);
  fill(
    into,
    h('div', { class: 'job', 'data-job': jobId }, [
      h('strong', {}, `Job ${jobId}`),
      bar,
      label,
      controls,
    ]),
  );
  // Until the job is over and none of its deliveries still waits: the operator sees them land.
  ctx.every(1000, async () => {
    if (over) return;
    const job = await api.get<Job>(`/admin/jobs/${encodeURIComponent(jobId)}`, {}, ctx.signal);
    bar.max = Math.max(1, job.total);
    bar.value = job.done;
    const made = Object.fromEntries(Object.entries(job.deliveries ?? {}).filter(([, n]) => n > 0));
    const failed = job.failed ? `, ${job.failed} with nowhere to go` : '';
    label.textContent = `${job.state}: ${count(job.done)} of ${count(job.total)} events${failed} · deliveries: ${counts(made)}`;
    const ended = ['completed', 'failed', 'cancelled'].includes(job.state);
    if (ended) controls.remove();
    over = ended && waitingStates.every((state) => !made[state]);
  });
}

export const eventsPage: Page = (root, ctx) => {
  const filter = filterFromUrl(filters);
  const form = filterForm(filters, filter, `${base}/events`, 'Search');
  const results = h('section', {});
  const bulk = h('section', { class: 'bulk' });
  fill(root, [h('h1', {}, 'Events'), form, bulk, results]);

  const rows: HTMLElement[] = [];
  const body = h('tbody', {});
  const more = h('div', {});
  const summary = h('p', { class: 'summary' });
  fill(results, [
    summary,
    h('table', { class: 'data' }, [
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['received', 'source', 'type', 'event', 'provider id', 'bytes', 'duplicates'].map((c) =>
            h('th', {}, c),
          ),
        ),
      ),
      body,
    ]),
    more,
  ]);

  const load = async (before?: string) => {
    const query: Query = { ...filter, limit: 50, before };
    const page = await api.get<EventList>('/admin/events', query, ctx.signal);
    summary.textContent = `${count(page.count.count, page.count.exact)} events match.`;
    for (const e of page.events) {
      const row = h('tr', { 'data-event': e.id }, [
        h('td', {}, time(e.receivedAt)),
        h('td', {}, e.source),
        h('td', { class: 'type' }, e.eventType ?? '—'),
        h('td', {}, h('a', { href: eventHref(e.id) }, e.id)),
        h('td', {}, e.providerEventId ?? ''),
        h('td', {}, e.bodyBytes === undefined ? '' : String(e.bodyBytes)),
        h('td', {}, e.duplicateCount ? String(e.duplicateCount) : ''),
      ]);
      rows.push(row);
      body.append(row);
    }
    fill(
      more,
      page.next ? button('Older', () => void load(page.next ?? undefined).catch(ctx.fail)) : null,
    );
  };
  load().catch(ctx.fail);

  // Bulk replay of everything matching: the plan first (a dry run), then the job's progress.
  const start = button('Replay all matching…', () => {
    api
      .post<{ plan: ReplayPlan }>('/admin/replays', { filter, dryRun: true }, ctx.signal)
      .then(({ plan }) => {
        fill(bulk, [
          h('div', { class: 'plan' }, [
            h(
              'p',
              {},
              `Plan: ${count(plan.events, plan.exact)} events, about ${count(plan.estimatedDeliveries)} deliveries (${counts(plan.destinations)}), about ${duration(plan.estimatedSeconds * 1000)}.`,
            ),
            button(
              'Start replay',
              () => {
                api
                  .post<{ jobId: string }>(
                    '/admin/replays',
                    { filter, by: 'dashboard' },
                    ctx.signal,
                  )
                  .then(({ jobId }) => followJob(bulk, ctx, jobId))
                  .catch(ctx.fail);
              },
              'danger',
            ),
            button('Cancel', () => fill(bulk, start)),
          ]),
        ]);
      })
      .catch(ctx.fail);
  });
  fill(bulk, start);
};
