import { api, ApiError } from './api.ts';
import { fill, h } from './dom.ts';
import { pageContext, type Page } from './page.ts';
import { deadLettersPage } from './pages/dead-letters.ts';
import { destinationsPage } from './pages/destinations.ts';
import { eventPage } from './pages/event.ts';
import { eventsPage } from './pages/events.ts';
import { overviewPage } from './pages/overview.ts';
import { sourcesPage } from './pages/sources.ts';
import { tailPage } from './pages/tail.ts';
import { base, interceptLinks, onNavigate, routeOf, type Route } from './router.ts';
import { onSignOut, signIn, signOut, token } from './session.ts';

const app = document.getElementById('app') as HTMLElement;
let leave: AbortController | undefined;

const nav: readonly [string, string][] = [
  ['Overview', base],
  ['Events', `${base}/events`],
  ['Dead letters', `${base}/dead-letters`],
  ['Destinations', `${base}/destinations`],
  ['Sources', `${base}/sources`],
  ['Live tail', `${base}/tail`],
];

function pageOf(route: Route): Page {
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

function showSignIn(message?: string): void {
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
  const status = h(
    'div',
    { class: 'status' },
    message ? h('p', { class: 'error' }, message) : null,
  );
  const form = h(
    'form',
    { class: 'signin', method: 'post' },
    [
      h('h1', {}, 'Hookgate'),
      h('p', {}, 'Sign in with the admin token.'),
      input,
      h('button', { type: 'submit' }, 'Sign in'),
      status,
    ],
    {
      submit: (e) => {
        e.preventDefault();
        signIn(input.value);
        input.value = '';
        // A cheap admin call any token may make (a tenant's too) proves it before any page.
        api
          .get('/admin/scope')
          .then(() => render())
          .catch((err: unknown) => {
            // A token not proven is not kept, whatever went wrong.
            signOut();
            if (err instanceof ApiError && err.status === 401)
              showSignIn('That token was refused.');
            else showSignIn(err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));
          });
      },
    },
  );
  fill(app, form);
  input.focus();
}

function render(): void {
  if (token() === null) return showSignIn();
  leave?.abort();
  leave = new AbortController();
  const route = routeOf(location.pathname);
  const current = route.page === 'event' ? 'events' : route.page;
  const main = h('main', { id: 'page' });
  const status = h('div', { class: 'status', id: 'status' });
  fill(app, [
    h('header', {}, [
      h('strong', { class: 'brand' }, 'Hookgate'),
      h(
        'nav',
        {},
        nav.map(([label, href]) =>
          h('a', { href, 'aria-current': routeOf(href).page === current ? 'page' : null }, label),
        ),
      ),
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
