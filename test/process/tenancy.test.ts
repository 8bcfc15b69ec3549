import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { engineSkipReason, tempDir, testEngines } from '../helpers/gateway.ts';
import { postgresUrl, testSchema } from '../helpers/postgres.ts';
import { signedJsonHeaders, spawnGateway, type GatewayProcess } from '../helpers/process.ts';
import { eventually, Receiver } from '../helpers/receiver.ts';
import { openSse } from '../helpers/sse.ts';

const secrets = { acme: randomBytes(16).toString('hex'), beta: randomBytes(16).toString('hex') };
const tokens = {
  operator: randomBytes(16).toString('hex'),
  acme: randomBytes(16).toString('hex'),
  acmeNext: randomBytes(16).toString('hex'),
  beta: randomBytes(16).toString('hex'),
};

/** Two tenants with the same source and destination names, and a top-level (default) source. */
const yaml = (storage: string, receiver: string) => `
storage: { url: '${storage}' }
admin: { token: '\${OPERATOR_TOKEN}' }
delivery: { pollInterval: 200ms }
sources:
  - { name: plain, provider: none }
tenants:
${(['acme', 'beta'] as const)
  .map(
    (t) => `  - name: ${t}
    adminTokens: ['\${${t.toUpperCase()}_TOKEN}'${t === 'acme' ? ", '${ACME_NEXT_TOKEN}'" : ''}]
    sources:
      - name: shop
        provider: generic-hmac
        secrets: ['\${${t.toUpperCase()}_SECRET}']
        options: { eventIdPath: id }
    destinations:
      - { name: hook, url: '${receiver}/${t}', ordering: { key: 'json:order' } }
      - { name: broken, url: '${receiver}/${t}-broken' }
    routes:
      - { name: main, source: shop, destination: hook }
      - { source: shop, destination: broken }
`,
  )
  .join('')}
`;

/** The tenant-scoped admin routes, each exercised with another tenant's token below. */
const coveredScoped = [
  'GET /admin/scope',
  ...['/admin/events', '/api/v1/webhooks/events'].flatMap((p) => [
    `GET ${p}`,
    `GET ${p}/:id`,
    `POST ${p}/:id/retry`,
    `POST ${p}/:id/replay`,
  ]),
  'GET /admin/deliveries',
  'GET /admin/deliveries/:id',
  'POST /admin/deliveries/:id/retry',
  'POST /admin/deliveries/requeue',
  'GET /admin/quarantine',
  'GET /admin/destinations',
  'POST /admin/destinations/:name/pause',
  'POST /admin/destinations/:name/resume',
  'POST /admin/breakers/:name/reset',
  'POST /monitoring/circuit-breakers/:name/reset',
  'GET /monitoring/performance',
  'GET /monitoring/metrics',
  'GET /monitoring/idempotency',
  'GET /cache/stats',
  'GET /api/webhooks/health/:source',
  'GET /admin/ordering/keys',
  'GET /admin/dlq',
  'GET /monitoring/dlq',
  'GET /admin/dlq/patterns',
  'GET /admin/dlq/export',
  ...['review', 'requeue', 'discard'].flatMap((a) => [
    `POST /admin/dlq/:deliveryId/${a}`,
    `POST /admin/dlq/${a}`,
  ]),
  'POST /admin/replays',
  'GET /admin/jobs',
  'GET /admin/jobs/:id',
  ...['pause', 'resume', 'cancel'].map((a) => `POST /admin/jobs/:id/${a}`),
  // The console's reads (issue 18): the stream, listen's reports, the overview and the plan.
  'GET /admin/events/stream',
  'POST /admin/events/:id/forwards',
  'GET /admin/queue',
  'GET /admin/timeline',
  'GET /admin/sources',
  'GET /admin/dlq/plan',
];

type Json = { success: boolean; data: Record<string, unknown>; error?: { code: string } };

for (const engine of testEngines) {
  describe(`tenants (${engine})`, { skip: await engineSkipReason(engine) }, () => {
    const schema = engine === 'postgres' ? testSchema() : undefined;
    const receiver = new Receiver();
    let gateway: GatewayProcess;
    const ids: Record<
      'acme' | 'beta',
      { event: string; delivery: string; dead: string; job: string }
    > = {
      acme: { event: '', delivery: '', dead: '', job: '' },
      beta: { event: '', delivery: '', dead: '', job: '' },
    };

    const call = async (
      token: string,
      method: 'GET' | 'POST' | 'DELETE',
      path: string,
      body?: object,
    ): Promise<{ status: number; json: Json; text: string }> => {
      const res = await request(`${gateway.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.body.text();
      let json: Json = { success: false, data: {} };
      try {
        json = JSON.parse(text) as Json;
      } catch {
        // NDJSON (the export) is read as text.
      }
      return { status: res.statusCode, json, text };
    };

    const post = async (path: string, secret: string | null, payload: object) => {
      const body = JSON.stringify(payload);
      const res = await request(`${gateway.url}${path}`, {
        method: 'POST',
        headers: secret ? signedJsonHeaders(secret, body) : { 'content-type': 'application/json' },
        body,
      });
      return { status: res.statusCode, json: (await res.body.json()) as Json };
    };

    before(async () => {
      for (const tenant of ['acme', 'beta']) {
        receiver.on(`/${tenant}-broken`, () => ({ status: 400, body: '{"error":"no"}' }));
        // Order o-2 keeps failing: its delivery holds its ordering key's turn (retrying).
        receiver.on(`/${tenant}`, (got) => ({
          status: got.body.toString().includes('"o-2"') ? 503 : 200,
        }));
      }
      const url = await receiver.listen();
      const dir = tempDir();
      const storage = schema
        ? `${postgresUrl}?schema=${schema.name}`
        : `sqlite:${join(dir, 'hookgate.db')}`;
      const file = join(dir, 'hookgate.yaml');
      writeFileSync(file, yaml(storage, url));
      gateway = await spawnGateway(file, dir, {
        OPERATOR_TOKEN: tokens.operator,
        ACME_TOKEN: tokens.acme,
        ACME_NEXT_TOKEN: tokens.acmeNext,
        BETA_TOKEN: tokens.beta,
        ACME_SECRET: secrets.acme,
        BETA_SECRET: secrets.beta,
      });
      for (const tenant of ['acme', 'beta'] as const) {
        for (let i = 0; i < 3; i += 1) {
          const res = await post(`/webhooks/${tenant}/shop`, secrets[tenant], {
            id: `${tenant}-${i}`,
            order: `o-${i}`,
          });
          assert.equal(res.status, 200, JSON.stringify(res.json));
          if (i === 0) ids[tenant].event = res.json.data.eventId as string;
        }
      }
      assert.equal((await post('/webhooks/plain', null, { id: 'p' })).status, 200);
      await eventually(
        () => receiver.at('/acme').length === 3 && receiver.at('/beta').length === 3,
        10_000,
      );
      for (const tenant of ['acme', 'beta'] as const) {
        const token = tokens[tenant];
        const dead = await eventually(async () => {
          const r = await call(token, 'GET', '/admin/dlq');
          const list = r.json.data.deliveries as { id: string }[];
          return list.length === 3 && list;
        }, 10_000);
        ids[tenant].dead = dead[0]?.id as string;
        const deliveries = (await call(token, 'GET', `/admin/deliveries?destination=hook`)).json
          .data.deliveries as { id: string }[];
        ids[tenant].delivery = deliveries[0]?.id as string;
        const job = await call(token, 'POST', '/admin/replays', {
          filter: { source: 'shop' },
          destinations: ['hook'],
        });
        assert.equal(job.status, 202, job.text);
        ids[tenant].job = job.json.data.jobId as string;
      }
    });

    after(async () => {
      gateway?.child.kill('SIGTERM');
      await gateway?.exited;
      await receiver.close();
      await schema?.drop();
    });

    it('takes each tenant its webhooks at /webhooks/<tenant>/<source>, its own secret only', async () => {
      // beta's source does not accept acme's signature: same name, another tenant, another secret.
      const crossed = await post('/webhooks/beta/shop', secrets.acme, { id: 'x', order: 'x' });
      assert.equal(crossed.status, 401);
      assert.equal(crossed.json.error?.code, 'INVALID_SIGNATURE');
      const event = await call(tokens.operator, 'GET', `/admin/events/${ids.acme.event}`);
      assert.equal(event.status, 200);
      assert.equal(event.json.data.tenant, 'acme');
      assert.equal(event.json.data.source, 'acme/shop');
    });

    it("lists to a tenant's token its own rows only", async () => {
      for (const tenant of ['acme', 'beta'] as const) {
        const token = tenant === 'acme' ? tokens.acmeNext : tokens[tenant];
        const own = (name: unknown) => typeof name === 'string' && name.startsWith(`${tenant}/`);
        const events = await call(token, 'GET', '/admin/events');
        const list = events.json.data.events as { tenant: string; source: string }[];
        assert.equal(list.length, 3);
        assert.ok(list.every((e) => e.tenant === tenant && own(e.source)));
        assert.deepEqual(events.json.data.count, { count: 3, exact: true });
        const seedPath = await call(token, 'GET', '/api/v1/webhooks/events');
        assert.equal((seedPath.json.data.events as unknown[]).length, 3);
        for (const path of ['/admin/deliveries', '/admin/dlq', '/monitoring/dlq']) {
          const rows = (await call(token, 'GET', path)).json.data.deliveries as {
            destination: string;
          }[];
          assert.ok(rows.length > 0 && rows.every((d) => own(d.destination)), path);
        }
        assert.deepEqual((await call(token, 'GET', '/admin/quarantine')).json.data.deliveries, []);
        const keys = (await call(token, 'GET', '/admin/ordering/keys')).json.data.keys as {
          destination: string;
          key: string;
        }[];
        assert.deepEqual(
          keys.map((k) => [k.destination, k.key]),
          [[`${tenant}/hook`, `${tenant}/shop/o-2`]],
        );
        const jobs = (await call(token, 'GET', '/admin/jobs')).json.data.jobs as { id: string }[];
        assert.deepEqual(
          jobs.map((j) => j.id),
          [ids[tenant].job],
        );
        const destinations = (await call(token, 'GET', '/admin/destinations')).json.data
          .destinations as { name: string }[];
        assert.deepEqual(destinations.map((d) => d.name).sort(), [
          `${tenant}/broken`,
          `${tenant}/hook`,
        ]);
        for (const path of [
          '/monitoring/idempotency',
          '/cache/stats',
          `/cache/stats?tenant_id=${tenant}`,
        ]) {
          const stats = (await call(token, 'GET', path)).json.data;
          assert.deepEqual(Object.keys(stats.sources as object), [`${tenant}/shop`], path);
          assert.equal(stats.sweeps, null);
        }
        const stats = (await call(token, 'GET', '/admin/dlq/patterns')).json.data;
        assert.deepEqual(stats.byDestination, { [`${tenant}/broken`]: 3 });
        assert.deepEqual(stats.bySource, { [`${tenant}/shop`]: 3 });
        const metrics = (await call(token, 'GET', '/monitoring/metrics')).json.data as {
          performance: { sources: object; destinations: object };
          deadLetters: { byDestination: object; total: number; lastHour: number };
          idempotency: { sources: object };
        };
        assert.deepEqual(Object.keys(metrics.performance.sources), [`${tenant}/shop`]);
        assert.ok(Object.keys(metrics.performance.destinations).every(own));
        assert.equal(metrics.deadLetters.total, 3);
        assert.equal(metrics.deadLetters.lastHour, 3);
        const performance = (await call(token, 'GET', '/monitoring/performance')).json.data;
        assert.deepEqual(Object.keys(performance.sources as object), [`${tenant}/shop`]);
        const exported = await call(token, 'GET', '/admin/dlq/export');
        const lines = exported.text
          .trim()
          .split('\n')
          .map(
            (l) =>
              JSON.parse(l) as {
                deadLetter: { destination: string };
              },
          );
        assert.equal(lines.length, 3);
        assert.ok(lines.every((l) => own(l.deadLetter.destination)));
        const health = await call(token, 'GET', '/api/webhooks/health/shop');
        assert.equal(health.json.data.endpoint, `/webhooks/${tenant}/shop`);
      }
      // The operator sees both tenants and the default one.
      const all = await call(tokens.operator, 'GET', '/admin/events');
      assert.equal((all.json.data.count as { count: number }).count, 7);
      const beta = (await call(tokens.operator, 'GET', '/cache/stats?tenant_id=beta')).json.data;
      assert.deepEqual(Object.keys(beta.sources as object), ['beta/shop']);
    });

    it("answers another tenant's ids and names 404, as if they did not exist", async () => {
      const b = ids.beta;
      const notFound: [string, string, object?][] = [
        ['GET', `/admin/events/${b.event}`],
        ['GET', `/api/v1/webhooks/events/${b.event}`],
        ['POST', `/admin/events/${b.event}/retry`],
        ['POST', `/admin/events/${b.event}/replay`, {}],
        ['GET', `/admin/deliveries/${b.delivery}`],
        ['POST', `/admin/deliveries/${b.delivery}/retry`],
        ['POST', `/admin/dlq/${b.dead}/review`, {}],
        ['POST', `/admin/dlq/${b.dead}/requeue`, {}],
        ['POST', `/admin/dlq/${b.dead}/discard`, {}],
        ['GET', `/admin/jobs/${b.job}`],
        ['POST', `/admin/jobs/${b.job}/pause`],
        ['POST', `/admin/jobs/${b.job}/resume`],
        ['POST', `/admin/jobs/${b.job}/cancel`],
        ['POST', '/admin/destinations/beta%2Fhook/pause'],
        ['POST', '/admin/destinations/beta%2Fhook/resume'],
        ['POST', '/admin/breakers/beta%2Fhook/reset'],
        ['POST', '/monitoring/circuit-breakers/beta%2Fhook/reset'],
        ['GET', '/api/webhooks/health/beta%2Fshop'],
        ['GET', '/api/webhooks/health/plain'],
        ['GET', '/cache/stats?tenant_id=beta'],
        ['GET', '/monitoring/idempotency?tenant_id=nobody'],
        ['GET', `/admin/events/${encodeURIComponent('\u{1F600}\u0000..')}`],
        ['GET', `/admin/jobs/${'j'.repeat(5000)}`],
      ];
      for (const [method, path, body] of notFound) {
        const res = await call(tokens.acme, method as 'GET', path, body);
        assert.equal(res.status, 404, `${method} ${path}: ${res.text}`);
        assert.equal(res.json.error?.code, 'NOT_FOUND', path);
        assert.ok(!res.text.includes('beta/'), `${path} says nothing of beta: ${res.text}`);
      }
      // Bulk actions by another tenant's names move nothing of it.
      const requeue = await call(tokens.acme, 'POST', '/admin/deliveries/requeue', {
        destination: 'beta/broken',
        state: 'dead',
      });
      assert.deepEqual(requeue.json.data, { requeued: 0 });
      for (const action of ['review', 'requeue', 'discard'])
        assert.equal(
          Object.values(
            (
              await call(tokens.acme, 'POST', `/admin/dlq/${action}`, {
                destination: 'beta/broken',
              })
            ).json.data,
          )[0],
          0,
        );
      // Lists filtered by another tenant's names: empty.
      const empty: [string, string][] = [
        ['/admin/events?source=beta%2Fshop', 'events'],
        ['/admin/events?destination=beta%2Fhook', 'events'],
        ['/api/v1/webhooks/events?source=beta%2Fshop', 'events'],
        ['/admin/deliveries?destination=beta%2Fhook', 'deliveries'],
        ['/admin/deliveries?source=beta%2Fshop', 'deliveries'],
        ['/admin/quarantine?destination=beta%2Fhook', 'deliveries'],
        ['/admin/dlq?destination=beta%2Fbroken', 'deliveries'],
        ['/monitoring/dlq?source=beta%2Fshop', 'deliveries'],
        ['/admin/ordering/keys?destination=beta%2Fhook', 'keys'],
      ];
      for (const [path, key] of empty) {
        const res = await call(tokens.acme, 'GET', path);
        assert.equal(res.status, 200, path);
        assert.deepEqual(res.json.data[key], [], path);
      }
      const exported = await call(
        tokens.acme,
        'GET',
        '/admin/dlq/export?destination=beta%2Fbroken',
      );
      assert.equal(exported.text, '');
      const replay = await call(tokens.acme, 'POST', '/admin/replays', {
        destinations: ['beta/hook'],
      });
      assert.equal(replay.status, 400);
      assert.equal(replay.json.error?.code, 'INVALID_PAYLOAD');
      const own = await call(tokens.acme, 'POST', `/admin/events/${ids.acme.event}/replay`, {
        destinations: ['beta/hook'],
      });
      assert.equal(own.status, 400);
      // beta's rows are as they were.
      const betaDead = await call(tokens.beta, 'GET', '/admin/dlq?review=failed');
      assert.equal((betaDead.json.data.deliveries as unknown[]).length, 3);
    });

    it("refuses a tenant's token on the operator's routes: 403 OPERATOR_ONLY", async () => {
      for (const [method, path] of [
        ['GET', '/admin/breakers'],
        ['GET', '/monitoring/circuit-breakers'],
        ['DELETE', '/admin/dlq/discarded'],
        ['GET', '/health/detailed'],
        ['GET', '/monitoring/health/deep'],
      ] as const) {
        const res = await call(tokens.acme, method, path);
        assert.equal(res.status, 403, `${method} ${path}`);
        assert.equal(res.json.error?.code, 'OPERATOR_ONLY');
        assert.equal((await call(tokens.operator, method, path)).status < 400, true, path);
      }
      assert.equal((await call('wrong-token', 'GET', '/admin/events')).status, 401);
    });

    it('says which routes a token may call; every other admin route is 403 to a tenant', async () => {
      type Route = { method: string; url: string; tenantScoped: boolean };
      const all = (await call(tokens.operator, 'GET', '/admin/scope')).json.data;
      assert.equal(all.tenant, null);
      const mine = (await call(tokens.acme, 'GET', '/admin/scope')).json.data;
      assert.equal(mine.tenant, 'acme');
      const key = (r: Route) => `${r.method} ${r.url}`;
      const scoped = (mine.routes as Route[]).map(key).sort();
      // Each tenant-scoped route is covered by the cases above: a route marked scoped later
      // fails here until a case shows it keeps to its tenant.
      assert.deepEqual(scoped, [...coveredScoped].sort());
      const operatorOnly = (all.routes as Route[]).filter((r) => !r.tenantScoped);
      for (const route of [
        'GET /admin/breakers',
        'GET /monitoring/circuit-breakers',
        'DELETE /admin/dlq/discarded',
      ])
        assert.ok(operatorOnly.map(key).includes(route), route);
      for (const r of operatorOnly) {
        const path = r.url.replace(/:[A-Za-z]+/g, 'x');
        const res = await call(
          tokens.acme,
          r.method as 'GET',
          path,
          r.method === 'GET' || r.method === 'DELETE' ? undefined : {},
        );
        assert.equal(res.status, 403, `${key(r)}: ${res.text}`);
        assert.equal(res.json.error?.code, 'OPERATOR_ONLY');
      }
    });

    it("shows the console's views to a tenant's token over its own only", async () => {
      // The live stream from the start of time: the tenant's own events, none of the others'.
      const stream = await openSse(
        `${gateway.url}/admin/events/stream?after=evt_${'0'.repeat(32)}`,
        { authorization: `Bearer ${tokens.acme}` },
      );
      try {
        assert.equal(stream.status, 200);
        await eventually(() => stream.messages.length >= 3, 10_000);
        const streamed = stream.messages.map((m) => JSON.parse(m.data) as { source: string });
        assert.ok(
          streamed.every((e) => e.source === 'acme/shop'),
          JSON.stringify(streamed),
        );
      } finally {
        stream.close();
      }
      // Another tenant's source by its qualified name finds nothing; its own by the short one.
      const named = await openSse(
        `${gateway.url}/admin/events/stream?source=beta%2Fshop&after=evt_${'0'.repeat(32)}`,
        { authorization: `Bearer ${tokens.acme}` },
      );
      await eventually(() => named.comments.includes('connected'));
      named.close();
      assert.equal(named.messages.length, 0);

      const forward = {
        listener: 'dev1',
        attemptId: `att_${randomBytes(16).toString('hex')}`,
        startedAt: Date.now(),
        durationMs: 3,
        statusCode: 200,
      };
      const foreign = await call(
        tokens.acme,
        'POST',
        `/admin/events/${ids.beta.event}/forwards`,
        forward,
      );
      assert.equal(foreign.status, 404);
      const own = await call(
        tokens.acme,
        'POST',
        `/admin/events/${ids.acme.event}/forwards`,
        forward,
      );
      assert.equal(own.status, 200, own.text);
      assert.equal(
        (own.json.data.delivery as { destination: string }).destination,
        'acme/listen:dev1',
      );
      const listed = (await call(tokens.acme, 'GET', '/admin/deliveries?destination=listen:dev1'))
        .json.data.deliveries as { id: string }[];
      assert.equal(listed.length, 1);
      // Another tenant's attempt id reported on its own event: a conflict, never that delivery.
      const foreignAttempt = (
        (await call(tokens.beta, 'GET', `/admin/events/${ids.beta.event}`)).json.data
          .deliveries as { attemptList: { id: string }[] }[]
      ).flatMap((d) => d.attemptList)[0];
      assert.ok(foreignAttempt);
      const stolen = await call(tokens.acme, 'POST', `/admin/events/${ids.acme.event}/forwards`, {
        ...forward,
        attemptId: foreignAttempt.id,
      });
      assert.equal(stolen.status, 409, stolen.text);
      assert.ok(!stolen.text.includes('beta/'), stolen.text);
      // An event retry leaves a listener's forward alone: it is not the gateway's to send.
      const retried = await call(tokens.acme, 'POST', `/admin/events/${ids.acme.event}/retry`);
      assert.equal(retried.status, 200, retried.text);
      const forwarded = (await call(tokens.acme, 'GET', `/admin/deliveries/${listed[0]?.id}`)).json
        .data as { state: string; attempts: number };
      assert.deepEqual([forwarded.state, forwarded.attempts], ['delivered', 1]);
      assert.deepEqual(
        (await call(tokens.beta, 'GET', '/admin/deliveries?destination=acme/listen:dev1')).json.data
          .deliveries,
        [],
      );

      const queue = (await call(tokens.acme, 'GET', '/admin/queue')).json.data as {
        byState: Record<string, number>;
        destinations: { name: string }[];
      };
      assert.ok(queue.destinations.length > 0);
      assert.ok(
        queue.destinations.every((d) => d.name.startsWith('acme/')),
        JSON.stringify(queue),
      );
      assert.equal(queue.byState.dead, 3);
      const timeline = (await call(tokens.acme, 'GET', '/admin/timeline')).json.data as {
        buckets: { ingest: object; attempts: object }[];
      };
      const names = timeline.buckets.flatMap((b) => [
        ...Object.keys(b.ingest),
        ...Object.keys(b.attempts),
      ]);
      assert.ok(names.includes('acme/shop'));
      assert.ok(
        names.every((n) => n.startsWith('acme/')),
        names.join(),
      );
      const sources = (await call(tokens.acme, 'GET', '/admin/sources')).json.data.sources as {
        name: string;
        endpoint: string;
      }[];
      assert.deepEqual(
        sources.map((x) => [x.name, x.endpoint]),
        [['acme/shop', '/webhooks/acme/shop']],
      );
      const plan = (await call(tokens.acme, 'GET', '/admin/dlq/plan')).json.data as {
        count: number;
        byDestination: Record<string, number>;
      };
      assert.equal(plan.count, 3);
      assert.deepEqual(Object.keys(plan.byDestination), ['acme/broken']);
    });

    it('acts on its own: pause and resume its destination by its own name', async () => {
      const paused = await call(tokens.acme, 'POST', '/admin/destinations/hook/pause');
      assert.deepEqual(paused.json.data, { destination: 'acme/hook', paused: true });
      const beta = (await call(tokens.beta, 'GET', '/admin/destinations')).json.data
        .destinations as { name: string; paused: boolean }[];
      assert.ok(beta.every((d) => !d.paused));
      const resumed = await call(tokens.acme, 'POST', '/admin/destinations/hook/resume');
      assert.equal(resumed.json.data.paused, false);
    });

    it('labels every series of a source or destination with its tenant, from configuration', async () => {
      const scraped = await (await request(`${gateway.url}/metrics`)).body.text();
      assert.match(
        scraped,
        /^hookgate_ingest_requests_total\{source="acme\/shop",result="accepted",tenant="acme"\} 3$/m,
      );
      assert.match(
        scraped,
        /^hookgate_ingest_requests_total\{source="beta\/shop",result="accepted",tenant="beta"\} 3$/m,
      );
      const tenantsSeen = new Set([...scraped.matchAll(/tenant="([^"]*)"/g)].map((m) => m[1]));
      for (const t of tenantsSeen)
        assert.ok(['default', 'acme', 'beta', '(unknown)'].includes(t ?? ''), `tenant="${t}"`);
    });

    it('answers hostile tenant and source paths with a clean 4xx', async () => {
      const paths = [
        '/webhooks/acme/%F0%9F%98%80',
        '/webhooks/%F0%9F%98%80/shop',
        '/webhooks/acme/%00',
        '/webhooks/%00/shop',
        '/webhooks/acme/..',
        '/webhooks/..%2Facme/shop',
        '/webhooks/acme%2Fshop',
        '/webhooks/acme/%ED%A0%80',
        `/webhooks/acme/${'s'.repeat(8000)}`,
        `/webhooks/${'t'.repeat(8000)}/shop`,
        '/webhooks/nobody/shop',
        '/webhooks/acme',
      ];
      for (const path of paths) {
        const res = await request(`${gateway.url}${path}`, { method: 'POST', body: '{}' });
        const text = await res.body.text();
        assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${path}: ${res.statusCode}`);
        assert.ok(!/at \w+ \(|node_modules/.test(text), `${path}: no stack`);
        const code = (JSON.parse(text) as Json).error?.code;
        assert.ok(
          code === 'UNKNOWN_SOURCE' || code === 'NOT_FOUND' || code === 'MALFORMED_REQUEST',
          `${path}: ${code}`,
        );
      }
    });
  });
}
