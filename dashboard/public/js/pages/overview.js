import { api } from "../api.js";
import { filled, lineChart } from "../chart.js";
import { fill, h, table } from "../dom.js";
import { count, duration, time } from "../format.js";
import { eventHref } from "../router.js";
const waiting = ['pending', 'queued', 'retry', 'held', 'quarantined', 'dead'];
/** Per bucket, the sum over every source of one ingest result, per second. */
function ingestSeries(t) {
    return ['accepted', 'duplicate', 'rejected'].map((result) => ({
        name: result,
        points: filled(t, (b) => Object.values(b.ingest).reduce((sum, c) => sum + c[result], 0) / (t.bucketMs / 1000)),
    }));
}
function stat(label, value, cls = '') {
    return h('div', { class: `stat ${cls}`.trim() }, [
        h('span', { class: 'value' }, value),
        h('span', { class: 'label' }, label),
    ]);
}
export const overviewPage = (root, ctx) => {
    const stats = h('section', { class: 'stats' });
    const charts = h('section', { class: 'charts' });
    const queue = h('section', {});
    const failures = h('section', {});
    fill(root, [h('h1', {}, 'Overview'), stats, charts, queue, failures]);
    ctx.every(5000, async () => {
        const [q, t, b, dead, retrying] = await Promise.all([
            api.get('/admin/queue', {}, ctx.signal),
            api.get('/admin/timeline', { minutes: 30 }, ctx.signal),
            // Each destination with its breaker: a tenant's token sees its own (not /admin/breakers).
            api.get('/admin/destinations', {}, ctx.signal),
            api.get('/admin/dlq', { limit: 10 }, ctx.signal),
            api.get('/admin/deliveries', { state: 'retry', limit: 10 }, ctx.signal),
        ]);
        const lastFive = t.buckets.filter((x) => x.at > t.to - 300_000);
        const ingest = { accepted: 0, duplicate: 0, rejected: 0 };
        for (const bucket of lastFive)
            for (const c of Object.values(bucket.ingest)) {
                ingest.accepted += c.accepted;
                ingest.duplicate += c.duplicate;
                ingest.rejected += c.rejected;
            }
        const open = b.destinations
            .filter((x) => x.breaker?.state === 'open')
            .map((x) => ({ destination: x.name }));
        fill(stats, [
            stat('accepted, last 5 min', count(ingest.accepted)),
            stat('duplicates, last 5 min', count(ingest.duplicate)),
            stat('rejected, last 5 min', count(ingest.rejected), ingest.rejected > 0 ? 'bad' : ''),
            ...Object.entries(q.byState).map(([state, n]) => stat(`deliveries ${state}`, count(n), state === 'dead' && n > 0 ? 'bad' : '')),
            stat('open breakers', open.length === 0 ? 'none' : open.map((x) => x.destination).join(', '), open.length > 0 ? 'bad' : ''),
        ]);
        const attempts = new Set(t.buckets.flatMap((x) => Object.keys(x.attempts)));
        fill(charts, [
            lineChart('Ingest rate', ingestSeries(t), t, 'per second'),
            lineChart('Attempt latency p95', [...attempts].map((name) => ({
                name,
                points: t.buckets
                    .filter((x) => x.attempts[name])
                    .map((x) => [x.at, x.attempts[name]?.p95Ms ?? 0]),
            })), t, 'ms'),
        ]);
        fill(queue, [
            h('h2', {}, 'Queue per destination'),
            table(['destination', ...waiting, 'lag', 'paused'], q.destinations.map((d) => [
                d.name,
                ...waiting.map((state) => count(d.depth[state] ?? 0)),
                duration(d.lagSeconds * 1000),
                d.paused ? 'paused' : '',
            ])),
        ]);
        const recent = [...dead.deliveries, ...retrying.deliveries]
            .sort((a, b2) => b2.updatedAt - a.updatedAt)
            .slice(0, 10);
        fill(failures, [
            h('h2', {}, 'Recent failures'),
            recent.length === 0
                ? h('p', { class: 'empty' }, 'No dead or retrying deliveries.')
                : table(['when', 'destination', 'state', 'attempts', 'error', 'event'], recent.map((d) => [
                    time(d.updatedAt),
                    d.destination,
                    d.state,
                    String(d.attempts),
                    d.lastError ?? '',
                    h('a', { href: eventHref(d.eventId) }, d.eventId),
                ])),
        ]);
    });
};
