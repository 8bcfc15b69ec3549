import { api } from "../api.js";
import { filled, lineChart } from "../chart.js";
import { fill, h, table } from "../dom.js";
import { count, counts, duration } from "../format.js";
/** Sources: what each accepted and rejected lately, by result. */
export const sourcesPage = (root, ctx) => {
    const list = h('section', {});
    const charts = h('section', { class: 'charts' });
    fill(root, [h('h1', {}, 'Sources'), list, charts]);
    ctx.every(5000, async () => {
        const [v, t] = await Promise.all([
            api.get('/admin/sources', {}, ctx.signal),
            api.get('/admin/timeline', { minutes: 30 }, ctx.signal),
        ]);
        fill(list, table([
            'source',
            'provider',
            'endpoint',
            `accepted (${duration(v.windowMs)})`,
            `rejected (${duration(v.windowMs)})`,
            'last hour by result',
            'since start',
        ], v.sources.map((s) => [
            h('strong', {}, s.name),
            s.provider,
            h('code', {}, s.endpoint),
            count(s.recent.accepted),
            h('span', { class: s.recent.rejected > 0 ? 'bad' : '' }, count(s.recent.rejected)),
            counts(s.lastHour.byResult),
            `${count(s.sinceStart.accepted)} accepted · ${count(s.sinceStart.rejected)} rejected`,
        ])));
        fill(charts, [
            lineChart('Accepted', v.sources.map((s) => ({
                name: s.name,
                points: filled(t, (b) => (b.ingest[s.name]?.accepted ?? 0) + (b.ingest[s.name]?.duplicate ?? 0)),
            })), t, 'per 10 s'),
            lineChart('Rejected', v.sources.map((s) => ({
                name: s.name,
                points: filled(t, (b) => b.ingest[s.name]?.rejected ?? 0),
            })), t, 'per 10 s'),
        ]);
    });
};
