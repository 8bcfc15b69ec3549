import { ApiError } from "./api.js";
import { fill, h } from "./dom.js";
export function pageContext(status, signal) {
    const fail = (error) => {
        if (signal.aborted)
            return;
        if (error instanceof DOMException && error.name === 'AbortError')
            return;
        const text = error instanceof ApiError ? `${error.code}: ${error.message}` : `Error: ${String(error)}`;
        fill(status, h('p', { class: 'error', role: 'alert' }, text));
    };
    return {
        signal,
        fail,
        notify: (text) => fill(status, h('p', { class: 'notice', role: 'status' }, text)),
        every(ms, work) {
            let timer;
            const run = async () => {
                try {
                    await work();
                }
                catch (err) {
                    fail(err);
                }
                if (!signal.aborted)
                    timer = window.setTimeout(() => void run(), ms);
            };
            signal.addEventListener('abort', () => window.clearTimeout(timer));
            void run();
        },
    };
}
/** `<label>text <input></label>` */
export function field(label, input) {
    return h('label', {}, [h('span', {}, label), input]);
}
