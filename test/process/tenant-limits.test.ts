import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { engineSkipReason, tempDir, testEngines } from '../helpers/gateway.ts';
import { postgresUrl, testSchema } from '../helpers/postgres.ts';
import { spawnGateway, type GatewayProcess } from '../helpers/process.ts';
import { eventually, Receiver } from '../helpers/receiver.ts';

const floodEvents = 60;
const calmEvents = 10;
/** How long the flooding tenant's receiver takes per delivery. */
const slowMs = 150;

/**
 * Tenant `flood` may have 2 attempts in flight (of 4 for the whole gateway) and its receiver is
 * slow; tenant `calm` has no cap. `capped` may send 5 webhooks a minute.
 */
const yaml = (storage: string, receiver: string) => `
storage: { url: '${storage}' }
delivery: { concurrency: 4, pollInterval: 200ms }
tenants:
  - name: flood
    limits: { concurrency: 2 }
    sources: [{ name: in, provider: none }]
    destinations: [{ name: out, url: '${receiver}/flood' }]
    routes: [{ source: in, destination: out }]
  - name: calm
    sources: [{ name: in, provider: none }]
    destinations: [{ name: out, url: '${receiver}/calm' }]
    routes: [{ source: in, destination: out }]
  - name: capped
    limits: { rateLimit: { points: 5, duration: 60 } }
    sources: [{ name: in, provider: none }]
`;

for (const engine of testEngines) {
  describe(`tenant limits (${engine})`, { skip: await engineSkipReason(engine) }, () => {
    const schema = engine === 'postgres' ? testSchema() : undefined;
    const receiver = new Receiver();
    let gateway: GatewayProcess;
    let floodInFlight = 0;
    let floodMaxInFlight = 0;
    const calmReceivedAt = new Map<string, number>();

    const post = async (path: string, payload: object) => {
      const res = await request(`${gateway.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
      });
      return {
        status: res.statusCode,
        retryAfter: res.headers['retry-after'],
        json: (await res.body.json()) as { error?: { code: string; message: string } },
      };
    };

    before(async () => {
      receiver.on('/flood', () => {
        floodInFlight += 1;
        floodMaxInFlight = Math.max(floodMaxInFlight, floodInFlight);
        return { status: 200, delayMs: slowMs, onSent: () => (floodInFlight -= 1) };
      });
      receiver.on('/calm', (got) => {
        calmReceivedAt.set((JSON.parse(got.body.toString()) as { id: string }).id, Date.now());
        return { status: 200 };
      });
      const url = await receiver.listen();
      const dir = tempDir();
      const storage = schema
        ? `${postgresUrl}?schema=${schema.name}`
        : `sqlite:${join(dir, 'hookgate.db')}`;
      const file = join(dir, 'hookgate.yaml');
      writeFileSync(file, yaml(storage, url));
      gateway = await spawnGateway(file, dir);
    });

    after(async () => {
      gateway?.child.kill('SIGTERM');
      await gateway?.exited;
      await receiver.close();
      await schema?.drop();
    });

    it("delivers the calm tenant's events while the flooding one's backlog waits on its cap", async (t) => {
      const flood = await Promise.all(
        Array.from({ length: floodEvents }, (_, i) => post('/webhooks/flood/in', { id: `f-${i}` })),
      );
      assert.ok(flood.every((r) => r.status === 200));
      const postedAt = new Map<string, number>();
      for (let i = 0; i < calmEvents; i += 1) {
        const id = `c-${i}`;
        assert.equal((await post('/webhooks/calm/in', { id })).status, 200);
        postedAt.set(id, Date.now());
      }
      await eventually(() => calmReceivedAt.size === calmEvents, 10_000);
      // Every calm event arrived while the flood was still being worked through.
      const floodDone = receiver.at('/flood').length;
      assert.ok(
        floodDone < floodEvents,
        `flood delivered ${floodDone} of ${floodEvents} meanwhile`,
      );
      await eventually(() => receiver.at('/flood').length >= floodEvents, 30_000);
      assert.equal(receiver.at('/flood').length, floodEvents);
      assert.ok(floodMaxInFlight <= 2, `flood had ${floodMaxInFlight} attempts in flight`);
      assert.equal(floodMaxInFlight, 2);
      const waits = [...postedAt].map(([id, at]) => (calmReceivedAt.get(id) ?? at) - at);
      t.diagnostic(
        `calm tenant: stored→received ms max ${Math.max(...waits)}, median ${waits.sort((a, b) => a - b)[waits.length >> 1]}; flood delivered ${floodDone}/${floodEvents} by then`,
      );
    });

    it("refuses a tenant's webhooks past its rate limit, and only its own", async () => {
      const answers = [];
      for (let i = 0; i < 6; i += 1) answers.push(await post('/webhooks/capped/in', { id: i }));
      assert.deepEqual(
        answers.map((a) => a.status),
        [200, 200, 200, 200, 200, 429],
      );
      const refused = answers[5];
      assert.equal(refused?.json.error?.code, 'RATE_LIMITED');
      assert.match(refused?.json.error?.message ?? '', /tenant/);
      assert.ok(Number(refused?.retryAfter) >= 1);
      assert.equal((await post('/webhooks/calm/in', { id: 'after' })).status, 200);
    });
  });
}
