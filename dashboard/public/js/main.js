import { api, ApiError } from "./api.js";
import { fill, h } from "./dom.js";
import { pageContext } from "./page.js";
import { deadLettersPage } from "./pages/dead-letters.js";
import { destinationsPage } from "./pages/destinations.js";
import { eventPage } from "./pages/event.js";
import { eventsPage } from "./pages/events.js";
import { overviewPage } from "./pages/overview.js";
import { sourcesPage } from "./pages/sources.js";
import { tailPage } from "./pages/tail.js";
import { base, interceptLinks, onNavigate, routeOf } from "./router.js";
import { onSignOut, signIn, signOut, token } from "./session.js";
const app = document.getElementById('app');
let leave;
const nav = [
    ['Overview', base],
    ['Events', `${base}/events`],
    ['Dead letters', `${base}/dead-letters`],
    ['Destinations', `${base}/destinations`],
    ['Sources', `${base}/sources`],
    ['Live tail', `${base}/tail`],
];
function pageOf(route) {
    switch (route.page) {
        case 'overview':
            return overviewPage;
        case 'events':
            return eventsPage;
        case 'event':
            return (root, ctx) => eventPage(root, ctx, route.id);
        case 'dead-letters':
            return deadLettersPage;
        case 'destinations':
            return destinationsPage;
        case 'sources':
            return sourcesPage;
        case 'tail':
            return tailPage;
    }
}
function showSignIn(message) {
    leave?.abort();
    // No `name`: even a native submission (if this script never ran) would carry nothing.
    const input = h('input', {
        type: 'password',
        id: 'token',
        autocomplete: 'current-password',
        required: true,
        placeholder: 'Admin token',
        'aria-label': 'Admin token',
    });
    const status = h('div', { class: 'status' }, message ? h('p', { class: 'error' }, message) : null);
    const form = h('form', { class: 'signin', method: 'post' }, [
        h('h1', {}, 'Hookgate'),
        h('p', {}, 'Sign in with the admin token.'),
        input,
        h('button', { type: 'submit' }, 'Sign in'),
        status,
    ], {
        submit: (e) => {
            e.preventDefault();
            signIn(input.value);
            input.value = '';
            // A cheap admin call any token may make (a tenant's too) proves it before any page.
            api
                .get('/admin/scope')
                .then(() => render())
                .catch((err) => {
                // A token not proven is not kept, whatever went wrong.
                signOut();
                if (err instanceof ApiError && err.status === 401)
                    showSignIn('That token was refused.');
                else
                    showSignIn(err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));
            });
        },
    });
    fill(app, form);
    input.focus();
}
function render() {
    if (token() === null)
        return showSignIn();
    leave?.abort();
    leave = new AbortController();
    const route = routeOf(location.pathname);
    const current = route.page === 'event' ? 'events' : route.page;
    const main = h('main', { id: 'page' });
    const status = h('div', { class: 'status', id: 'status' });
    fill(app, [
        h('header', {}, [
            h('strong', { class: 'brand' }, 'Hookgate'),
            h('nav', {}, nav.map(([label, href]) => h('a', { href, 'aria-current': routeOf(href).page === current ? 'page' : null }, label))),
            h('button', { type: 'button', class: 'signout' }, 'Sign out', { click: () => signOut() }),
        ]),
        status,
        main,
    ]);
    const ctx = pageContext(status, leave.signal);
    Promise.resolve(pageOf(route)(main, ctx)).catch(ctx.fail);
}
interceptLinks(app);
onNavigate(render);
onSignOut(() => showSignIn());
render();
