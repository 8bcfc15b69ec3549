import { api } from "../api.js";
import { filled, lineChart } from "../chart.js";
import { button, fill, h, table } from "../dom.js";
import { count, duration } from "../format.js";
/** Destinations: state, queue and latency; pause / resume and breaker reset. */
export const destinationsPage = (root, ctx) => {
    const list = h('section', {});
    const charts = h('section', { class: 'charts' });
    fill(root, [h('h1', {}, 'Destinations'), list, charts]);
    const act = (path, what) => api
        .post(path, {}, ctx.signal)
        .then(() => {
        ctx.notify(what);
        void refresh();
    })
        .catch(ctx.fail);
    const refresh = async () => {
        const [d, q, perf, t] = await Promise.all([
            api.get('/admin/destinations', {}, ctx.signal),
            api.get('/admin/queue', {}, ctx.signal),
            api.get('/monitoring/performance', {}, ctx.signal),
            api.get('/admin/timeline', { minutes: 30 }, ctx.signal),
        ]);
        const queue = new Map(q.destinations.map((x) => [x.name, x]));
        fill(list, table([
            'destination',
            'state',
            'breaker',
            'in flight',
            'attempts',
            'delivered',
            'waiting',
            'lag',
            `p50 / p95 (${duration(perf.windowMs)})`,
            '',
        ], d.destinations.map((x) => {
            const name = encodeURIComponent(x.name);
            const waiting = Object.entries(queue.get(x.name)?.depth ?? {})
                .filter(([state]) => state !== 'dead')
                .reduce((sum, [, n]) => sum + n, 0);
            const p = perf.destinations[x.name];
            return [
                h('strong', {}, x.name),
                h('span', {
                    class: x.paused ? 'badge bad' : 'badge ok',
                    'data-state': x.paused ? 'paused' : 'active',
                }, x.paused ? 'paused' : 'active'),
                x.breaker
                    ? h('span', { class: x.breaker.state === 'closed' ? 'badge ok' : 'badge bad' }, x.breaker.state)
                    : '—',
                String(x.inFlight),
                count(x.counts.attempts),
                count(x.counts.delivered),
                count(waiting),
                duration((queue.get(x.name)?.lagSeconds ?? 0) * 1000),
                p ? `${p.p50Ms} / ${p.p95Ms} ms` : '—',
                h('span', { class: 'row-actions', 'data-destination': x.name }, [
                    x.paused
                        ? button('Resume', () => void act(`/admin/destinations/${name}/resume`, `${x.name} resumed.`))
                        : button('Pause', () => void act(`/admin/destinations/${name}/pause`, `${x.name} paused.`)),
                    x.breaker
                        ? button('Reset breaker', () => void act(`/admin/breakers/${name}/reset`, `${x.name}: breaker reset.`))
                        : null,
                ]),
            ];
        })));
        fill(charts, [
            lineChart('Attempt latency p95', d.destinations.map((x) => ({
                name: x.name,
                points: t.buckets
                    .filter((b) => b.attempts[x.name])
                    .map((b) => [b.at, b.attempts[x.name]?.p95Ms ?? 0]),
            })), t, 'ms'),
            lineChart('Attempts', d.destinations.flatMap((x) => [
                {
                    name: `${x.name} delivered`,
                    points: filled(t, (b) => b.attempts[x.name]?.delivered ?? 0),
                },
                {
                    name: `${x.name} failed`,
                    points: filled(t, (b) => b.attempts[x.name]?.failed ?? 0),
                },
            ]), t, 'per 10 s'),
        ]);
    };
    ctx.every(5000, refresh);
};
