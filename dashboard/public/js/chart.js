import { h, s } from "./dom.js";
const width = 640;
const height = 180;
const pad = { left: 48, right: 8, top: 10, bottom: 22 };
const clock = (ms) => new Date(ms).toISOString().slice(11, 16);
/** A rounded-up maximum for the y axis (1, 2 or 5 times a power of ten). */
function niceMax(max) {
    if (max <= 0)
        return 1;
    const power = 10 ** Math.floor(Math.log10(max));
    for (const step of [1, 2, 5, 10])
        if (step * power >= max)
            return step * power;
    return 10 * power;
}
/**
 * A line chart as SVG (no library, no inline style: colours come from the stylesheet's
 * `series-N` classes). Names are shown in a legend as text.
 */
export function lineChart(title, series, range, unit) {
    const max = niceMax(Math.max(0, ...series.flatMap((x) => x.points.map((p) => p[1]))));
    const span = Math.max(1, range.to - range.from);
    const x = (t) => pad.left + ((t - range.from) / span) * (width - pad.left - pad.right);
    const y = (v) => pad.top + (1 - v / max) * (height - pad.top - pad.bottom);
    const grid = [0, 0.5, 1].map((f) => {
        const v = max * f;
        return [
            s('line', { x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v), class: 'grid' }),
            s('text', { x: pad.left - 4, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' }, String(v)),
        ];
    });
    const lines = series.map((line, i) => [
        s('polyline', {
            class: `line series-${i % 6}`,
            points: line.points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' '),
        }),
        // A lone sample draws no line: a dot shows it.
        line.points.length === 1
            ? line.points.map(([t, v]) => s('circle', {
                cx: x(t).toFixed(1),
                cy: y(v).toFixed(1),
                r: 3,
                class: `dot series-${i % 6}`,
            }))
            : null,
    ]);
    const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title }, [
        grid,
        s('text', { x: pad.left, y: height - 4, class: 'axis' }, clock(range.from)),
        s('text', { x: width - pad.right, y: height - 4, class: 'axis', 'text-anchor': 'end' }, clock(range.to)),
        lines,
    ]);
    return h('figure', { class: 'chart' }, [
        h('figcaption', {}, `${title} (${unit})`),
        svg,
        h('ul', { class: 'legend' }, series.map((line, i) => h('li', {}, [h('span', { class: `swatch series-${i % 6}` }), line.name]))),
    ]);
}
/** Every bucket of the range, empty ones as 0, so a quiet minute is a flat line. */
export function filled(t, value) {
    const byAt = new Map(t.buckets.map((b) => [b.at, b]));
    const out = [];
    for (let at = t.from; at <= t.to; at += t.bucketMs) {
        const b = byAt.get(at);
        out.push([at, b ? value(b) : 0]);
    }
    return out;
}
