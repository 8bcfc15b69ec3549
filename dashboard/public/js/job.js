import { api } from "./api.js";
import { button, fill, h } from "./dom.js";
import { count, counts } from "./format.js";
/** A delivery in one of these is still on its way. */
const waitingStates = ['pending', 'queued', 'retry', 'held'];
/** Polls a bulk replay job until it is over, as a progress bar. */
export function followJob(into, ctx, jobId) {
    const bar = h('progress', { max: 1, value: 0 });
    const label = h('span', { class: 'job-state' });
    let over = false;
    const controls = h('span', {}, [
        button('Pause', () => void api.post(`/admin/jobs/${encodeURIComponent(jobId)}/pause`).catch(ctx.fail)),
        button('Resume', () => void api.post(`/admin/jobs/${encodeURIComponent(jobId)}/resume`).catch(ctx.fail)),
        button('Cancel', () => void api.post(`/admin/jobs/${encodeURIComponent(jobId)}/cancel`).catch(ctx.fail)),
    ]);
    fill(into, h('div', { class: 'job', 'data-job': jobId }, [
        h('strong', {}, `Job ${jobId}`),
        bar,
        label,
        controls,
    ]));
    // Until the job is over and none of its deliveries still waits: the operator sees them land.
    ctx.every(1000, async () => {
        if (over)
            return;
        const job = await api.get(`/admin/jobs/${encodeURIComponent(jobId)}`, {}, ctx.signal);
        bar.max = Math.max(1, job.total);
        bar.value = job.done;
        const made = Object.fromEntries(Object.entries(job.deliveries ?? {}).filter(([, n]) => n > 0));
        const failed = job.failed ? `, ${job.failed} with nowhere to go` : '';
        label.textContent = `${job.state}: ${count(job.done)} of ${count(job.total)} events${failed} · deliveries: ${counts(made)}`;
        const ended = ['completed', 'failed', 'cancelled'].includes(job.state);
        if (ended)
            controls.remove();
        over = ended && waitingStates.every((state) => !made[state]);
    });
}
