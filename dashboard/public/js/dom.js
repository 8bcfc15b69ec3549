function append(parent, child) {
    if (child === null || child === undefined || child === false)
        return;
    if (Array.isArray(child)) {
        for (const c of child)
            append(parent, c);
        return;
    }
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
}
function setAttrs(el, attrs) {
    for (const [name, value] of Object.entries(attrs)) {
        if (value === null || value === undefined || value === false)
            continue;
        // Handlers are never attributes: only `on` below adds them.
        if (name.startsWith('on'))
            throw new Error(`refusing attribute ${name}`);
        el.setAttribute(name, value === true ? '' : String(value));
    }
}
export function h(tag, attrs = {}, children = null, on = {}) {
    const el = document.createElement(tag);
    setAttrs(el, attrs);
    append(el, children);
    for (const [name, handler] of Object.entries(on))
        el.addEventListener(name, handler);
    return el;
}
const svgNs = 'http://www.w3.org/2000/svg';
export function s(tag, attrs = {}, children = null) {
    const el = document.createElementNS(svgNs, tag);
    setAttrs(el, attrs);
    append(el, children);
    return el;
}
/** Replaces an element's children. */
export function fill(el, children) {
    el.replaceChildren();
    append(el, children);
}
/** A table from a header row and rows of cells. */
export function table(head, rows, cls = 'data') {
    return h('table', { class: cls }, [
        h('thead', {}, h('tr', {}, head.map((c) => h('th', {}, c)))),
        h('tbody', {}, rows.map((r) => h('tr', {}, r.map((c) => h('td', {}, c))))),
    ]);
}
export function button(label, onClick, cls = '') {
    return h('button', { type: 'button', class: cls || null }, label, { click: onClick });
}
