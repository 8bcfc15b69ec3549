import { ApiError, authHeaders, checkAuthorized, withQuery } from '../api.ts';
import { button, fill, h } from '../dom.ts';
import { time } from '../format.ts';
import { filterForm, filterFromUrl, type FilterSpec } from '../filter-form.ts';
import type { Page } from '../page.ts';
import { base, eventHref } from '../router.ts';
import { SseParser } from '../sse.ts';
import type { EventSummary } from '../types.ts';

/** The stream's filter, in the page's URL query too. */
const filters: readonly FilterSpec[] = [{ name: 'source', label: 'Source' }];

/** Rows kept on the page; older ones drop off the bottom. */
const keptRows = 200;

/**
 * Events as they arrive: GET /admin/events/stream (Server-Sent Events) read with fetch, since
 * EventSource cannot send the Authorization header. After a drop it reconnects with the last id
 * seen (Last-Event-ID), so nothing is missed or shown twice.
 */
export const tailPage: Page = (root, ctx) => {
  const filter = filterFromUrl(filters);
  const body = h('tbody', {});
  const state = h('span', { class: 'badge', id: 'tail-state' }, 'connecting');
  let paused = false;
  const toggle = button('Pause', () => {
    paused = !paused;
    toggle.textContent = paused ? 'Resume' : 'Pause';
  });
  fill(root, [
    h('h1', {}, ['Live tail ', state]),
    filterForm(filters, filter, `${base}/tail`, 'Follow'),
    h('p', { class: 'actions' }, [toggle, button('Clear', () => body.replaceChildren())]),
    h('table', { class: 'data' }, [
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['received', 'source', 'type', 'event', 'provider id'].map((c) => h('th', {}, c)),
        ),
      ),
      body,
    ]),
  ]);

  const show = (e: EventSummary) => {
    if (paused) return;
    body.prepend(
      h('tr', { 'data-event': e.id }, [
        h('td', {}, time(e.receivedAt)),
        h('td', {}, e.source),
        h('td', { class: 'type' }, e.eventType ?? '—'),
        h('td', {}, h('a', { href: eventHref(e.id) }, e.id)),
        h('td', {}, e.providerEventId ?? ''),
      ]),
    );
    while (body.rows.length > keptRows) body.lastElementChild?.remove();
  };

  const parser = new SseParser((m) => {
    if (m.event !== 'event') return;
    try {
      show(JSON.parse(m.data) as EventSummary);
    } catch {
      // A frame that is not JSON is not shown.
    }
  });

  const connect = async (): Promise<void> => {
    const headers = authHeaders();
    if (parser.lastEventId !== undefined) headers['last-event-id'] = parser.lastEventId;
    const res = await fetch(withQuery('/admin/events/stream', filter), {
      headers: { ...headers, accept: 'text/event-stream' },
      cache: 'no-store',
      credentials: 'omit',
      signal: ctx.signal,
    });
    checkAuthorized(res.status);
    if (!res.ok || res.body === null) throw new Error(`the stream answered ${res.status}`);
    state.textContent = 'live';
    state.className = 'badge ok';
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      parser.push(value);
    }
  };

  void (async () => {
    let wait = 500;
    while (!ctx.signal.aborted) {
      try {
        await connect();
        wait = 500;
      } catch (err) {
        // Refused: signing out already left this page.
        if (ctx.signal.aborted || (err instanceof ApiError && err.status === 401)) return;
      }
      if (ctx.signal.aborted) return;
      state.textContent = 'reconnecting';
      state.className = 'badge bad';
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(wait * 2, 10_000);
    }
  })();
};
