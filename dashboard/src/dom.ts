/**
 * The only way the dashboard makes elements: children that are strings become Text nodes, so
 * whatever the API returns (an event's type, a header, a body) is shown as text, never parsed
 * as HTML. There is no innerHTML anywhere in the dashboard.
 */
export type Child = Node | string | number | null | undefined | false | readonly Child[];

export type Attrs = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** Event handlers by name (`click`, `submit`, …). */
export type On = {
  readonly [K in keyof HTMLElementEventMap]?: (e: HTMLElementEventMap[K]) => void;
};

function append(parent: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child as readonly Child[]) append(parent, c);
    return;
  }
  parent.appendChild(
    child instanceof Node ? child : document.createTextNode(String(child as string | number)),
  );
}

function setAttrs(el: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    // Handlers are never attributes: only `on` below adds them.
    if (name.startsWith('on')) throw new Error(`refusing attribute ${name}`);
    el.setAttribute(name, value === true ? '' : String(value));
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  children: Child = null,
  on: On = {},
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  for (const [name, handler] of Object.entries(on))
    el.addEventListener(name, handler as EventListener);
  return el;
}

const svgNs = 'http://www.w3.org/2000/svg';

export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  children: Child = null,
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(svgNs, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** Replaces an element's children. */
export function fill(el: Element, children: Child): void {
  el.replaceChildren();
  append(el, children);
}

/** A table from a header row and rows of cells. */
export function table(
  head: readonly string[],
  rows: readonly Child[][],
  cls = 'data',
): HTMLElement {
  return h('table', { class: cls }, [
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        head.map((c) => h('th', {}, c)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((r) =>
        h(
          'tr',
          {},
          r.map((c) => h('td', {}, c)),
        ),
      ),
    ),
  ]);
}

export function button(label: string, onClick: () => void, cls = ''): HTMLButtonElement {
  return h('button', { type: 'button', class: cls || null }, label, { click: onClick });
}
