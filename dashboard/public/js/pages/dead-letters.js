import { api } from "../api.js";
import { button, fill, h, table } from "../dom.js";
import { count, counts, duration, time } from "../format.js";
import { filterForm, filterFromUrl } from "../filter-form.js";
import { field } from "../page.js";
import { base, eventHref } from "../router.js";
/** The dead-letter filters (GET /admin/dlq), in the page's URL query too. */
const filters = [
    { name: 'destination', label: 'Destination' },
    { name: 'source', label: 'Source' },
    {
        name: 'errorClass',
        label: 'Error class',
        choices: ['', 'temporary', 'validation', 'configuration', 'unknown', 'transform'].map((v) => [v, v || 'any']),
    },
    {
        name: 'deadReason',
        label: 'Dead reason',
        choices: ['', 'exhausted', 'permanent', 'gone', 'configuration', 'transform'].map((v) => [v, v || 'any']),
    },
    {
        name: 'review',
        label: 'Review',
        choices: [
            ['', 'failed and reviewing'],
            ['failed', 'failed'],
            ['reviewing', 'reviewing'],
            ['discarded', 'discarded'],
        ],
    },
];
const actions = ['review', 'requeue', 'discard'];
const done = {
    review: 'reviewing',
    requeue: 'requeued',
    discard: 'discarded',
};
export const deadLettersPage = (root, ctx) => {
    const filter = filterFromUrl(filters);
    const by = h('input', { name: 'by', value: 'dashboard', maxlength: 200 });
    const note = h('input', {
        name: 'note',
        maxlength: 2000,
        placeholder: 'why (kept with the action)',
    });
    const form = filterForm(filters, filter, `${base}/dead-letters`, 'Filter');
    const stats = h('section', { class: 'patterns' });
    const bulk = h('section', { class: 'bulk' });
    const list = h('section', {});
    fill(root, [
        h('h1', {}, 'Dead letters'),
        stats,
        form,
        h('div', { class: 'filters' }, [field('By', by), field('Note', note)]),
        bulk,
        list,
    ]);
    const review = () => ({ by: by.value || undefined, note: note.value || undefined });
    const act = (action, id) => {
        api
            .post(`/admin/dlq/${encodeURIComponent(id)}/${action}`, review(), ctx.signal)
            .then(() => {
            ctx.notify(`${id}: ${done[action]}.`);
            void refresh();
        })
            .catch(ctx.fail);
    };
    const refresh = async () => {
        const [report, page] = await Promise.all([
            api.get('/admin/dlq/patterns', {}, ctx.signal),
            api.get('/admin/dlq', { ...filter, limit: 100 }, ctx.signal),
        ]);
        fill(stats, [
            h('p', {}, `${count(report.total)} dead letters · ${counts(report.byReview)} · ${report.attention.count} need attention (older than ${duration(report.attention.olderThanMs)}, nobody reviewing)`),
            report.patterns.length === 0
                ? null
                : table(['count', 'pattern', 'dead reasons', 'example'], report.patterns
                    .slice(0, 10)
                    .map((p) => [
                    String(p.count),
                    h('code', {}, p.pattern),
                    counts(p.deadReasons),
                    p.example,
                ])),
        ]);
        fill(list, [
            h('h2', {}, `Matching (${page.deliveries.length}${page.deliveries.length === 100 ? '+' : ''})`),
            page.deliveries.length === 0
                ? h('p', { class: 'empty' }, 'No dead letters match.')
                : table(['died', 'destination', 'source', 'type', 'reason', 'error', 'review', 'event', ''], page.deliveries.map((d) => [
                    time(d.deadAt),
                    d.destination,
                    `${d.source} (${d.provider})`,
                    h('span', { class: 'type' }, d.eventType ?? '—'),
                    d.deadReason ?? '',
                    d.lastError ?? '',
                    d.review,
                    h('a', { href: eventHref(d.eventId) }, d.eventId),
                    h('span', { class: 'row-actions', 'data-delivery': d.id }, actions.map((a) => button(a, () => act(a, d.id)))),
                ])),
        ]);
    };
    ctx.every(5000, refresh);
    bulkActions(bulk, ctx, filter, review, () => void refresh());
};
/** Review, requeue or discard every match: the plan (how many, where) first, then the action. */
function bulkActions(into, ctx, filter, review, after) {
    const start = () => fill(into, h('p', {}, ['Every match: ', actions.map((a) => button(`${a} all…`, () => plan(a)))]));
    const plan = (action) => {
        api
            .get('/admin/dlq/plan', filter, ctx.signal)
            .then((p) => fill(into, h('div', { class: 'plan' }, [
            h('p', {}, `Plan: ${action} ${count(p.count, p.exact)} dead letters (${counts(p.byDestination)}; ${counts(p.byReview)}).`),
            button(`Confirm ${action}`, () => {
                api
                    .post(`/admin/dlq/${action}`, { ...filter, ...review() }, ctx.signal)
                    .then((r) => {
                    ctx.notify(`${count(r[done[action]] ?? 0)} dead letters ${done[action]}.`);
                    start();
                    after();
                })
                    .catch(ctx.fail);
            }, 'danger'),
            button('Cancel', start),
        ])))
            .catch(ctx.fail);
    };
    start();
}
