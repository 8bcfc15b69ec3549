export const base = '/dashboard';
export function routeOf(path) {
    const rest = path.startsWith(base) ? path.slice(base.length).replace(/^\/|\/$/g, '') : '';
    const [first, second] = rest.split('/');
    switch (first) {
        case 'events':
            if (!second)
                return { page: 'events' };
            try {
                return { page: 'event', id: decodeURIComponent(second) };
            }
            catch {
                // A malformed escape in a typed or pasted address: the list, not a broken page.
                return { page: 'events' };
            }
        case 'dead-letters':
        case 'destinations':
        case 'sources':
        case 'tail':
            return { page: first };
        default:
            return { page: 'overview' };
    }
}
export function eventHref(id) {
    return `${base}/events/${encodeURIComponent(id)}`;
}
const listeners = new Set();
export function onNavigate(listener) {
    listeners.add(listener);
    window.addEventListener('popstate', listener);
}
/** Goes to a path in this app without reloading (filters go in the query). */
export function navigate(href, replace = false) {
    if (replace)
        history.replaceState(null, '', href);
    else
        history.pushState(null, '', href);
    for (const l of listeners)
        l();
}
/** Links inside the app navigate without a reload. */
export function interceptLinks(root) {
    root.addEventListener('click', (e) => {
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey)
            return;
        const link = e.target?.closest('a');
        const href = link?.getAttribute('href');
        if (!link || !href || !href.startsWith(`${base}`) || link.target)
            return;
        e.preventDefault();
        navigate(href);
    });
}
