import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { request } from 'undici';
import { browserSkipReason, launchBrowser, type Browser } from '../helpers/browser.ts';
import { tempDir } from '../helpers/gateway.ts';
import {
  signedJsonHeaders,
  spawnGateway,
  writeConfig,
  type GatewayProcess,
} from '../helpers/process.ts';
import { eventually, Receiver } from '../helpers/receiver.ts';

const root = new URL('../../', import.meta.url).pathname;
/** Screenshots of every page, for review (ignored by git; docs/images has chosen ones). */
const shots = join(root, 'test-output/screenshots');
const secret = randomBytes(32).toString('hex');
const adminToken = randomBytes(24).toString('hex');
/** A tenant's own admin token: the dashboard shows what it may see, nothing else. */
const acmeToken = randomBytes(24).toString('hex');
const run = randomBytes(4).toString('hex');
/** What a hostile sender puts in an event's type: markup, an emoji and a lone surrogate. */
const hostileType = `<img src=x onerror=window.__pwned=1> 🎉 \ud800 ${run}`;
const hostileTypeJson = JSON.stringify(hostileType);

const skip = browserSkipReason();

describe('the dashboard in a real browser, against a real gateway process', { skip }, () => {
  const receiver = new Receiver();
  let gateway: GatewayProcess;
  /** The config file and data folder, to start the gateway again on the same port. */
  let restart: () => Promise<GatewayProcess>;
  let browser: Browser;
  let page: Page;

  const send = async (body: string, headers: Record<string, string> = {}, source = 'shop') => {
    const res = await request(`${gateway.url}/webhooks/${source}`, {
      method: 'POST',
      headers: { ...signedJsonHeaders(secret, body), ...headers },
      body,
    });
    const text = await res.body.text();
    assert.equal(res.statusCode, 200, text);
    return (JSON.parse(text) as { data: { eventId: string } }).data.eventId;
  };
  const admin = async <T>(path: string): Promise<T> => {
    const res = await request(`${gateway.url}${path}`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    assert.equal(res.statusCode, 200);
    return ((await res.body.json()) as { data: T }).data;
  };
  /** The browser's own line for each refused call (a wrong token is expected to be refused). */
  const refused = /Failed to load resource: the server responded with a status of 401/;
  /** Console errors and CSP violations, less the lines of the 401s a test causes (at least one). */
  const problems = () => {
    const seen = browser.problems.splice(0);
    assert.ok(
      seen.some((p) => refused.test(p)),
      seen.join('\n'),
    );
    return seen.filter((p) => !refused.test(p));
  };
  const shot = (name: string) =>
    page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

  before(async () => {
    mkdirSync(shots, { recursive: true });
    const url = await receiver.listen();
    receiver.on('/broken', () => ({ status: 422, body: '{"error":"unknown sku"}' }));
    receiver.on('/flaky', () => ({ status: 503 }));
    const dir = tempDir();
    const file = writeConfig(dir, {
      storage: { url: `sqlite:${join(dir, 'hookgate.db')}` },
      admin: { token: '${ADMIN_TOKEN}' },
      delivery: { pollInterval: '100ms' },
      // A replay job of 5 events takes 4 s or more: long enough to pause it.
      replay: { batch: 1, rate: 1 },
      server: { shutdownTimeout: '5s' },
      sources: [
        {
          name: 'shop',
          provider: 'generic-hmac',
          secrets: [secret],
          options: { eventIdPath: 'id', eventTypePath: 'type' },
        },
        { name: 'other', provider: 'none' },
      ],
      destinations: [
        { name: 'backend', url: `${url}/backend`, timeoutMs: 2000 },
        {
          name: 'erp',
          url: `${url}/broken`,
          timeoutMs: 2000,
          retry: { maxAttempts: 1 },
          circuitBreaker: { failureThreshold: 50 },
        },
        {
          name: 'flaky',
          url: `${url}/flaky`,
          timeoutMs: 2000,
          // One 503 opens its breaker; the retry waits long enough not to be tried again here.
          retry: { schedule: ['1h'], maxAttempts: 2 },
          circuitBreaker: { failureThreshold: 1, resetTimeout: '1h' },
        },
      ],
      routes: [
        { source: 'shop', destination: 'backend' },
        { source: 'shop', destination: 'erp', filter: { eventType: 'order.created' } },
        { source: 'shop', destination: 'flaky', filter: { eventType: 'flaky.test' } },
      ],
      tenants: [
        {
          name: 'acme',
          adminTokens: ['${ACME_TOKEN}'],
          sources: [{ name: 'orders', provider: 'none' }],
          destinations: [{ name: 'hook', url: `${url}/acme`, timeoutMs: 2000 }],
          routes: [{ source: 'orders', destination: 'hook' }],
        },
      ],
    });
    const env = { ADMIN_TOKEN: adminToken, ACME_TOKEN: acmeToken, LOG_LEVEL: 'info' };
    gateway = await spawnGateway(file, dir, env);
    restart = () => spawnGateway(file, dir, { ...env, PORT: new URL(gateway.url).port });
    browser = await launchBrowser();
    page = await browser.newPage();
  });

  after(async () => {
    await browser?.close();
    gateway?.child.kill('SIGTERM');
    await gateway?.exited;
    await receiver.close();
  });

  it('walks every page: sign in, search, open, replay, a dead letter, pause and resume', async () => {
    const orderId = await send(`{"id":"ord_${run}","type":"order.created","sku":"x1"}`);
    const hostileId = await send(
      `{"id":"evil_${run}","type":${hostileTypeJson},"note":"<script>alert(1)</script> 😀 \\ud83d \\u0000"}`,
      { 'x-note': '<img src=x onerror=window.__pwned=2>' },
    );
    for (let i = 0; i < 5; i++) await send(`{"id":"ping_${run}_${i}","type":"ping"}`);
    await send(`{"id":"flaky_${run}","type":"flaky.test"}`);
    await eventually(() => receiver.at('/backend').length === 8, 10_000);
    await eventually(async () => {
      const { breakers } = await admin<{ breakers: { destination: string; state: string }[] }>(
        '/admin/breakers',
      );
      return breakers.find((b) => b.destination === 'flaky')?.state === 'open';
    }, 10_000);
    await eventually(async () => {
      const dlq = await admin<{ deliveries: unknown[] }>('/admin/dlq');
      return dlq.deliveries.length === 1;
    }, 10_000);

    // The start banner says where it is; signed out, it is the sign-in form, and a wrong token
    // is refused.
    assert.ok(gateway.output().includes(`Dashboard: ${gateway.url}/dashboard (sign in with`));
    await page.goto(`${gateway.url}/dashboard`);
    await page.locator('#token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That token was refused.').waitFor();
    await shot('sign-in');
    await page.locator('#token').fill(adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();

    // Overview.
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.locator('.stat', { hasText: 'accepted, last 5 min' }).waitFor();
    await page.locator('.stat.bad', { hasText: 'open breakers' }).getByText('flaky').waitFor();
    await page.locator('figure.chart polyline').first().waitFor();
    await shot('overview');

    // Events: the search's filters are in the URL (a view to share).
    await page.getByRole('link', { name: 'Events' }).click();
    await page.getByLabel('Type', { exact: true }).fill('order.created');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\/dashboard\/events\?type=order.created$/);
    await page.locator(`tr[data-event="${orderId}"]`).waitFor();
    assert.equal(await page.locator('tbody tr[data-event]').count(), 1);
    await shot('events');

    // Open it, replay it: the new delivery reaches the receiver and shows as delivered.
    await page.getByRole('link', { name: orderId }).click();
    await page.getByRole('heading', { name: `Event ${orderId}` }).waitFor();
    await page.locator('.delivery[data-state="delivered"]').first().waitFor();
    await page.locator('details.attempt summary').first().click();
    const before = receiver.at('/backend').length;
    await page.getByRole('button', { name: 'Replay' }).click();
    await page.getByText(/Replayed: 2 new deliveries/).waitFor();
    await eventually(() => receiver.at('/backend').length === before + 1, 10_000);
    const replayed = receiver.at('/backend').at(-1);
    assert.match(
      String(replayed?.headers['idempotency-key']),
      new RegExp(`^${orderId}\\.backend\\.`),
    );
    await page.locator('.delivery', { hasText: 'backend · delivered · replay' }).waitFor();
    await shot('event');

    // The hostile event: every string is text, nothing ran, nothing became an element.
    await page.goto(`${gateway.url}/dashboard/events?q=${run}&source=shop`);
    await page.locator(`tr[data-event="${hostileId}"] td.type`).waitFor();
    const typeCell = await page.locator(`tr[data-event="${hostileId}"] td.type`).textContent();
    assert.equal(typeCell, hostileType.replace('\ud800', '\ufffd'));
    await page.getByRole('link', { name: hostileId }).click();
    await page.locator('pre.body').waitFor();
    assert.match(
      String(await page.locator('pre.body').textContent()),
      /<script>alert\(1\)<\/script> 😀/,
    );
    assert.equal(
      await page
        .locator('table.headers tr', { hasText: 'x-note' })
        .locator('td')
        .nth(1)
        .textContent(),
      '<img src=x onerror=window.__pwned=2>',
    );
    assert.equal(await page.locator('#app img, #app script').count(), 0);
    assert.equal(
      await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned),
      undefined,
    );
    await shot('event-hostile');

    // Bulk replay of a search: the dry run's plan, then the job's progress bar to the end.
    await page.goto(`${gateway.url}/dashboard/events?type=ping`);
    await page.locator('tbody tr[data-event]').nth(4).waitFor();
    const beforeBulk = receiver.at('/backend').length;
    await page.getByRole('button', { name: 'Replay all matching…' }).click();
    await page.getByText(/^Plan: 5 events, about 5 deliveries \(backend 5\)/).waitFor();
    await shot('replay-plan');
    await page.getByRole('button', { name: 'Start replay' }).click();
    await page.locator('.bulk .job progress').waitFor();
    await page.locator('.bulk .job').getByRole('button', { name: 'Pause' }).click();
    await page.locator('.bulk .job .job-state', { hasText: /^paused: / }).waitFor();
    // Left and come back to: the paused job is followed again, and resumed from there.
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.goBack();
    await page.locator('.jobs .job .job-state', { hasText: /^paused: / }).waitFor();
    await page.locator('.jobs .job').getByRole('button', { name: 'Resume' }).click();
    await page
      .locator('.jobs .job .job-state', {
        hasText: /^completed: 5 of 5 events · deliveries: delivered 5$/,
      })
      .waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('.job progress').getAttribute('value'), '5');
    await eventually(() => receiver.at('/backend').length === beforeBulk + 5, 10_000);
    await shot('replay-job');

    // Dead letters (the order's first delivery to erp and its replay's): review one, requeue
    // the other (it is attempted again and dies again), then discard both by filter.
    await eventually(
      async () => (await admin<{ deliveries: unknown[] }>('/admin/dlq')).deliveries.length === 2,
      10_000,
    );
    await page.getByRole('link', { name: 'Dead letters' }).click();
    await page.locator('.patterns table').waitFor();
    const rows = page.locator('tr', { has: page.locator('.row-actions') });
    await eventually(async () => (await rows.count()) === 2, 10_000);
    assert.match(String(await rows.first().textContent()), /erp.*422/);
    await shot('dead-letters');
    await rows.first().getByRole('button', { name: 'review' }).click();
    await page.locator('tr', { hasText: 'reviewing' }).locator('.row-actions').waitFor();
    const reviewed = await admin<{ deliveries: { review: string }[] }>('/admin/dlq');
    assert.deepEqual(reviewed.deliveries.map((d) => d.review).sort(), ['failed', 'reviewing']);
    await page
      .locator('tr', { hasText: 'failed' })
      .getByRole('button', { name: 'requeue' })
      .click();
    await page.getByText(/: requeued\.$/).waitFor();
    await eventually(() => receiver.at('/broken').length === 3, 10_000);
    await eventually(
      async () => (await admin<{ deliveries: unknown[] }>('/admin/dlq')).deliveries.length === 2,
      10_000,
    );
    await page.getByLabel('Destination').fill('erp');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/\/dashboard\/dead-letters\?destination=erp$/);
    await page.getByRole('button', { name: 'discard all…' }).click();
    await page.getByText(/^Plan: discard 2 dead letters \(erp 2; /).waitFor();
    await page.getByRole('button', { name: 'Confirm discard' }).click();
    await page.getByText('2 dead letters discarded.').waitFor();
    await page.getByText('No dead letters match.').waitFor();
    assert.equal((await admin<{ deliveries: unknown[] }>('/admin/dlq')).deliveries.length, 0);

    // Destinations: pause, then resume, as the admin API sees it.
    await page.getByRole('link', { name: 'Destinations' }).click();
    const backend = page.locator('[data-destination="backend"]');
    await backend.getByRole('button', { name: 'Pause' }).click();
    await backend.getByRole('button', { name: 'Resume' }).waitFor();
    const paused = await admin<{ destinations: { name: string; paused: boolean }[] }>(
      '/admin/destinations',
    );
    assert.equal(paused.destinations.find((d) => d.name === 'backend')?.paused, true);
    await page.locator('figure.chart').first().waitFor();
    await shot('destinations');
    await backend.getByRole('button', { name: 'Resume' }).click();
    await backend.getByRole('button', { name: 'Pause' }).waitFor();
    // The open breaker, reset from its row.
    const flaky = page.locator('tr', { has: page.locator('[data-destination="flaky"]') });
    await flaky.locator('.badge', { hasText: 'open' }).waitFor();
    await flaky.getByRole('button', { name: 'Reset breaker' }).click();
    await page.getByText('flaky: breaker reset.').waitFor();
    await flaky.locator('.badge', { hasText: 'closed' }).waitFor();
    const { breakers } = await admin<{ breakers: { destination: string; state: string }[] }>(
      '/admin/breakers',
    );
    assert.equal(breakers.find((b) => b.destination === 'flaky')?.state, 'closed');
    const resumed = await admin<{ destinations: { name: string; paused: boolean }[] }>(
      '/admin/destinations',
    );
    assert.equal(resumed.destinations.find((d) => d.name === 'backend')?.paused, false);

    // Sources.
    await page.getByRole('link', { name: 'Sources' }).click();
    await page.locator('table.data', { hasText: 'generic-hmac' }).waitFor();
    await page.locator('figure.chart').first().waitFor();
    await shot('sources');

    // Live tail: events sent now appear as they arrive, their text as text.
    await page.getByRole('link', { name: 'Live tail' }).click();
    await page.locator('#tail-state', { hasText: 'live' }).waitFor();
    const tailed = [
      await send(`{"id":"tail1_${run}","type":"tail.one"}`),
      await send(`{"id":"tail2_${run}","type":${hostileTypeJson}}`),
    ];
    for (const id of tailed) await page.locator(`tr[data-event="${id}"]`).waitFor();
    assert.equal(
      await page.locator(`tr[data-event="${tailed[1]}"] td.type`).textContent(),
      hostileType.replace('\ud800', '\ufffd'),
    );
    // Newest first.
    assert.equal(await page.locator('tbody tr').first().getAttribute('data-event'), tailed[1]);
    assert.equal(await page.locator('#app img, #app script').count(), 0);
    await shot('tail');
    // Following one source (in the URL): another source's events are not shown. The stream
    // sends in id order, so once the later event is shown the earlier one would have been.
    await page.getByLabel('Source').fill('other');
    await page.getByRole('button', { name: 'Follow' }).click();
    await page.waitForURL(/\/dashboard\/tail\?source=other$/);
    await page.locator('#tail-state', { hasText: 'live' }).waitFor();
    const fromShop = await send(`{"id":"tail3_${run}","type":"tail.shop"}`);
    const fromOther = await send('{"type":"tail.other"}', {}, 'other');
    await page.locator(`tr[data-event="${fromOther}"]`).waitFor();
    assert.equal(await page.locator(`tr[data-event="${fromShop}"]`).count(), 0);

    // The token was never in a URL, and never in the gateway's output.
    assert.doesNotMatch(page.url(), new RegExp(adminToken));
    assert.doesNotMatch(gateway.output(), new RegExp(adminToken));

    // Sign out: the token is gone from the session and the form is back.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('#token').waitFor();
    assert.equal(await page.evaluate('sessionStorage.length'), 0);

    // The wrong token's one refusal, nothing else.
    assert.deepEqual(problems(), []);
  });

  it('a token the gateway refuses (changed, or wrong) returns to sign-in from any page', async () => {
    const other = await browser.newPage();
    await other.goto(`${gateway.url}/dashboard/destinations`);
    await other.evaluate("sessionStorage.setItem('hookgate.adminToken', 'stale')");
    await other.reload();
    await other.locator('#token').waitFor();
    assert.equal(await other.evaluate("sessionStorage.getItem('hookgate.adminToken')"), null);
    await other.close();
    assert.deepEqual(problems(), []);
  });

  it("a tenant's token signs in and sees its own tenant only, every page without an error", async () => {
    const res = await request(`${gateway.url}/webhooks/acme/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"id":"acme_${run}"}`,
    });
    assert.equal(res.statusCode, 200);
    const acmeEvent = ((await res.body.json()) as { data: { eventId: string } }).data.eventId;
    await eventually(() => receiver.at('/acme').length === 1, 10_000);
    browser.problems.splice(0);
    const tenant = await browser.newPage();
    await tenant.goto(`${gateway.url}/dashboard`);
    await tenant.locator('#token').fill(acmeToken);
    await tenant.getByRole('button', { name: 'Sign in' }).click();
    await tenant.getByRole('heading', { name: 'Overview' }).waitFor();
    await tenant.locator('figure.chart').first().waitFor();
    await tenant.getByRole('link', { name: 'Events' }).click();
    await tenant.locator(`tr[data-event="${acmeEvent}"]`).waitFor();
    // The operator's events (many, on the same store) are not the tenant's to see.
    assert.equal(await tenant.locator('tr[data-event]').count(), 1);
    await tenant.getByRole('link', { name: 'Destinations' }).click();
    await tenant.locator('[data-destination="acme/hook"]').waitFor();
    assert.equal(await tenant.locator('[data-destination]').count(), 1);
    await tenant.getByRole('link', { name: 'Sources' }).click();
    await tenant.locator('table.data', { hasText: 'acme/orders' }).waitFor();
    assert.equal(await tenant.locator('table.data', { hasText: 'generic-hmac' }).count(), 0);
    await tenant.getByRole('link', { name: 'Dead letters' }).click();
    await tenant.getByRole('heading', { name: 'Dead letters' }).waitFor();
    await tenant.screenshot({ path: join(shots, 'tenant-dead-letters.png'), fullPage: true });
    await tenant.close();
    assert.deepEqual(browser.problems.splice(0), []);
  });

  it('the browser enforces the CSP: an injected inline script does not run, and is reported', async () => {
    const other = await browser.newPage();
    await other.goto(`${gateway.url}/dashboard`);
    await other.locator('#token').waitFor();
    await other.evaluate(`{
      const script = document.createElement('script');
      script.textContent = 'window.__inline = 1';
      document.body.append(script);
    }`);
    await eventually(() => browser.problems.some((p) => /CSP violation: script-src/.test(p)), 5000);
    assert.equal(await other.evaluate('window.__inline'), undefined);
    await other.close();
    browser.problems.splice(0);
  });

  it('the live tail resumes after the gateway restarts: what was sent meanwhile shows, none twice', async () => {
    const tail = await browser.newPage();
    await tail.goto(`${gateway.url}/dashboard/tail`);
    await tail.evaluate(
      `sessionStorage.setItem('hookgate.adminToken', ${JSON.stringify(adminToken)})`,
    );
    await tail.reload();
    await tail.locator('#tail-state', { hasText: 'live' }).waitFor();
    const first = await send(`{"id":"restart1_${run}","type":"restart.before"}`);
    await tail.locator(`tr[data-event="${first}"]`).waitFor();
    gateway.child.kill('SIGTERM');
    assert.equal(await gateway.exited, 0, gateway.output());
    await tail.locator('#tail-state', { hasText: 'reconnecting' }).waitFor();
    gateway = await restart();
    // Sent as soon as it is up: the tail reconnects before or after them, with its last id.
    const later = [
      await send(`{"id":"restart2_${run}","type":"restart.after"}`),
      await send(`{"id":"restart3_${run}","type":"restart.after"}`),
    ];
    for (const id of later) await tail.locator(`tr[data-event="${id}"]`).waitFor();
    await tail.locator('#tail-state', { hasText: 'live' }).waitFor();
    for (const id of [first, ...later])
      assert.equal(await tail.locator(`tr[data-event="${id}"]`).count(), 1, id);
    assert.deepEqual(
      await tail
        .locator('tbody tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-event'))),
      [...later].reverse().concat(first),
    );
    await tail.close();
    // Nothing but (at most) the browser's notes of reconnects refused while it was down, or
    // answered 503 while it drained (a stream asked for then is refused: docs/operations.md).
    const refusedConnection =
      /Failed to load resource: (net::ERR_CONNECTION_REFUSED|the server responded with a status of 503 \(Service Unavailable\))$/;
    assert.deepEqual(
      browser.problems.splice(0).filter((p) => !refusedConnection.test(p)),
      [],
    );
  });
});
