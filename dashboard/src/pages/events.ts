import { api, type Query } from '../api.ts';
import { button, fill, h } from '../dom.ts';
import { count, counts, duration, time } from '../format.ts';
import { filterForm, filterFromUrl, type FilterSpec } from '../filter-form.ts';
import type { Page } from '../page.ts';
import { base, eventHref } from '../router.ts';
import { followJob } from '../job.ts';
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

export const eventsPage: Page = (root, ctx) => {
  const filter = filterFromUrl(filters);
  const form = filterForm(filters, filter, `${base}/events`, 'Search');
  const results = h('section', {});
  const bulk = h('section', { class: 'bulk' });
  const running = h('section', { class: 'jobs' });
  fill(root, [h('h1', {}, 'Events'), form, bulk, running, results]);

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

  // Replays still running (started here earlier, or by someone else): their progress too.
  api
    .get<{ jobs: Job[] }>('/admin/jobs', { limit: 20 }, ctx.signal)
    .then(({ jobs }) => {
      for (const job of jobs.filter((j) => j.state === 'running' || j.state === 'paused')) {
        const into = h('div', {});
        running.append(into);
        followJob(into, ctx, job.id);
      }
    })
    .catch(ctx.fail);
};
