import { api } from "../api.js";
import { button, fill, h, table } from "../dom.js";
import { duration, prettyBody, time } from "../format.js";
function attemptRows(attempts, eventBody) {
    return h('div', { class: 'attempts' }, attempts.map((a) => h('details', { class: 'attempt', 'data-outcome': a.outcome }, [
        h('summary', {}, `#${a.number} · ${time(a.startedAt)} · ${duration(a.durationMs)} · ${a.statusCode ?? 'no answer'} · ${a.outcome}${a.error ? ` · ${a.error}` : ''}`),
        h('h4', {}, 'Request body sent'),
        h('pre', {}, a.requestBody === null
            ? prettyBody(eventBody, 'utf8')
            : prettyBody(a.requestBody, 'utf8')),
        h('h4', {}, 'Response'),
        h('pre', {}, a.responseBody ?? '(none)'),
    ])));
}
function render(root, ctx, e, reload) {
    const id = encodeURIComponent(e.id);
    const actions = h('p', { class: 'actions' }, [
        button('Replay', () => {
            api
                .post(`/admin/events/${id}/replay`, {}, ctx.signal)
                .then((r) => {
                ctx.notify(`Replayed: ${r.deliveries.length} new deliveries.`);
                reload();
            })
                .catch(ctx.fail);
        }),
        button('Retry undelivered', () => {
            api
                .post(`/admin/events/${id}/retry`, {}, ctx.signal)
                .then((r) => {
                ctx.notify(`Requeued ${r.requeued}, replayed ${r.replayed}.`);
                reload();
            })
                .catch(ctx.fail);
        }),
    ]);
    const body = e.bodyEncoding === 'utf8' ? e.body : '';
    fill(root, [
        h('h1', {}, ['Event ', h('code', {}, e.id)]),
        actions,
        table(['field', 'value'], [
            ['type', h('span', { class: 'type' }, e.eventType ?? '—')],
            ['source', `${e.source} (${e.provider})`],
            ['received', time(e.receivedAt)],
            ['provider event id', e.providerEventId ?? '—'],
            ['request id', e.requestId],
            ['client address', e.clientIp],
            ['request', `${e.method} ${e.url}`],
            ['duplicates', String(e.duplicateCount)],
        ], 'data meta'),
        h('h2', {}, 'Headers (credentials redacted by the gateway)'),
        table(['name', 'value'], Object.entries(e.headers).map(([k, v]) => [k, v]), 'data headers'),
        h('h2', {}, e.bodyEncoding === 'base64' ? 'Body (not UTF-8: base64)' : 'Body'),
        h('pre', { class: 'body' }, prettyBody(e.body, e.bodyEncoding)),
        h('h2', {}, `Deliveries (${e.deliveries.length})`),
        e.deliveries.length === 0
            ? h('p', { class: 'empty' }, 'No deliveries.')
            : h('div', { class: 'deliveries' }, e.deliveries.map((d) => h('section', { class: 'delivery', 'data-delivery': d.id, 'data-state': d.state }, [
                h('h3', {}, `${d.destination} · ${d.state}${d.origin === 'replay' ? ' · replay' : ''}`),
                h('p', { class: 'muted' }, `${d.id} · route ${d.route} · ${d.attempts} attempts · created ${time(d.createdAt)}${d.replayOf ? ` · replays ${d.replayOf}` : ''}${d.lastError ? ` · last error: ${d.lastError}` : ''}`),
                attemptRows(d.attemptList, body),
            ]))),
    ]);
}
/** One event: its headers and body, its deliveries and every attempt; replay and retry. */
export const eventPage = (root, ctx, id) => {
    fill(root, h('p', {}, 'Loading…'));
    let refresh = () => undefined;
    const load = async () => {
        const e = await api.get(`/admin/events/${encodeURIComponent(id)}`, {}, ctx.signal);
        // Keep open what the operator opened.
        const open = new Set([...root.querySelectorAll('details[open]')].map((d) => d.querySelector('summary')?.textContent));
        render(root, ctx, e, refresh);
        for (const d of root.querySelectorAll('details'))
            if (open.has(d.querySelector('summary')?.textContent))
                d.open = true;
    };
    refresh = () => void load().catch(ctx.fail);
    ctx.every(3000, load);
};
