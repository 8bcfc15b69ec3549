import { ApiError } from './api.ts';
import { fill, h } from './dom.ts';

/** What a page gets: its lifetime (aborted when the operator leaves it) and a place for news. */
export interface PageContext {
  readonly signal: AbortSignal;
  /** Runs `work` now and every `ms` until the page is left; a failure is shown, not thrown. */
  every(ms: number, work: () => Promise<void>): void;
  /** Shows what went wrong (a refused call's code and message), as text. */
  fail(error: unknown): void;
  /** Shows what an action did. */
  notify(text: string): void;
}

export type Page = (root: HTMLElement, ctx: PageContext) => void | Promise<void>;

export function pageContext(status: HTMLElement, signal: AbortSignal): PageContext {
  const fail = (error: unknown) => {
    if (signal.aborted) return;
    if (error instanceof DOMException && error.name === 'AbortError') return;
    const text =
      error instanceof ApiError ? `${error.code}: ${error.message}` : `Error: ${String(error)}`;
    fill(status, h('p', { class: 'error', role: 'alert' }, text));
  };
  return {
    signal,
    fail,
    notify: (text) => fill(status, h('p', { class: 'notice', role: 'status' }, text)),
    every(ms, work) {
      let timer: number | undefined;
      const run = async () => {
        try {
          await work();
        } catch (err) {
          fail(err);
        }
        if (!signal.aborted) timer = window.setTimeout(() => void run(), ms);
      };
      signal.addEventListener('abort', () => window.clearTimeout(timer));
      void run();
    },
  };
}

/** `<label>text <input></label>` */
export function field(label: string, input: HTMLElement): HTMLElement {
  return h('label', {}, [h('span', {}, label), input]);
}
