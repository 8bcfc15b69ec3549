import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Agent, request } from 'undici';
import YAML from 'yaml';
import { tempDir } from '../helpers/gateway.ts';
import { signedJsonHeaders, spawnGateway, type GatewayProcess } from '../helpers/process.ts';
import { eventually, Receiver, type Behaviour } from '../helpers/receiver.ts';

const secret = randomBytes(32).toString('hex');
const adminToken = randomBytes(16).toString('hex');

/**
 * A receiver that serves `capacity` requests at once (each takes `serviceMs`) and answers 429 to
 * any beyond; it counts what it served and refused, and the most it ever served at once.
 */
class LimitedReceiver {
  capacity: number;
  inFlight = 0;
  served = 0;
  refused = 0;
  most = 0;
  /** The most served at once since `resetMost`. */
  mostSince = 0;

  constructor(
    capacity: number,
    private readonly serviceMs: number,
    private readonly retryAfter?: string,
  ) {
    this.capacity = capacity;
  }

  readonly behaviour: Behaviour = () => {
    if (this.inFlight >= this.capacity) {
      this.refused += 1;
      return { status: 429, headers: this.retryAfter ? { 'retry-after': this.retryAfter } : {} };
    }
    this.inFlight += 1;
    this.most = Math.max(this.most, this.inFlight);
    this.mostSince = Math.max(this.mostSince, this.inFlight);
    return {
      status: 200,
      delayMs: this.serviceMs,
      onSent: () => {
        this.inFlight -= 1;
        this.served += 1;
      },
    };
  };
}

interface DestinationView {
  name: string;
  concurrency: number | null;
  adaptive: {
    concurrency: number;
    min: number;
    max: number;
    lastChange: { reason: string; from: number; to: number };
    pausedUntil: number | null;
  } | null;
}

async function admin(gw: GatewayProcess, path: string, method: 'GET' | 'POST' = 'GET') {
  const res = await request(`${gw.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}` },
  });
  assert.equal(res.statusCode, 200);
  return ((await res.body.json()) as { data: unknown }).data;
}

const destinationView = async (gw: GatewayProcess, name: string) =>
  (
    (await admin(gw, '/admin/destinations')) as { destinations: DestinationView[] }
  ).destinations.find((d) => d.name === name) as DestinationView;

/**
 * Adaptive concurrency against a real receiver of limited capacity, through a real gateway
 * process and its YAML configuration: the same backlog delivered with `adaptive` off, then on.
 * The figures (429s, time to deliver the backlog) are printed, never asserted as times.
 */
describe('adaptive concurrency (AIMD) against a receiver of limited capacity', () => {
  it('settles near the capacity with few 429s, and follows it when it grows', async (t) => {
    const backlog = 600;
    const receivers = {
      plain: new LimitedReceiver(8, 20),
      adaptive: new LimitedReceiver(8, 20),
    };
    const receiver = new Receiver()
      .on('/plain', receivers.plain.behaviour)
      .on('/adaptive', receivers.adaptive.behaviour);
    const url = await receiver.listen();
    const dir = tempDir();
    const file = join(dir, 'hookgate.yaml');
    const destination = (name: string, extra: object = {}) => ({
      name,
      url: `${url}/${name}`,
      concurrency: 32,
      retry: { schedule: ['200ms'], maxAttempts: 100, jitter: 0 },
      circuitBreaker: { enabled: false },
      ...extra,
    });
    writeFileSync(
      file,
      YAML.stringify({
        storage: { url: `sqlite:${join(dir, 'hookgate.db')}` },
        admin: { token: adminToken },
        delivery: { concurrency: 64, pollInterval: '100ms' },
        sources: ['plain', 'adaptive'].map((name) => ({
          name,
          provider: 'generic-hmac',
          secrets: [secret],
        })),
        destinations: [destination('plain'), destination('adaptive', { adaptive: true })],
        routes: ['plain', 'adaptive'].map((name) => ({ source: name, destination: name })),
      }),
    );
    const gw = await spawnGateway(file, dir);
    const agent = new Agent({ connections: 16 });
    try {
      const run = async (name: 'plain' | 'adaptive') => {
        await admin(gw, `/admin/destinations/${name}/pause`, 'POST');
        for (let i = 0; i < backlog; i += 50)
          await Promise.all(
            Array.from({ length: 50 }, async (_, k) => {
              const body = JSON.stringify({ n: i + k });
              const res = await request(`${gw.url}/webhooks/${name}`, {
                method: 'POST',
                headers: signedJsonHeaders(secret, body),
                body,
                dispatcher: agent,
              });
              assert.equal(res.statusCode, 200);
              await res.body.dump();
            }),
          );
        const r = receivers[name];
        const started = performance.now();
        await admin(gw, `/admin/destinations/${name}/resume`, 'POST');
        // The concurrency the admin API shows, sampled while the backlog drains.
        const samples: number[][] = [[], []];
        let phase = 0;
        let sampling = true;
        const sampler = (async () => {
          while (sampling) {
            const v = await destinationView(gw, name);
            if (v.adaptive) samples[phase]?.push(v.adaptive.concurrency);
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        })();
        let before = { refused: 0, most: 0 };
        try {
          // Half way, the receiver's capacity doubles.
          await eventually(() => r.served >= backlog / 2, 60_000);
          before = { refused: r.refused, most: r.most };
          r.capacity = 16;
          r.mostSince = 0;
          phase = 1;
          await eventually(() => r.served >= backlog, 60_000);
        } catch (err) {
          const view = JSON.stringify(await destinationView(gw, name));
          throw new Error(`${name}: served ${r.served}, refused ${r.refused}, ${view}`, {
            cause: err,
          });
        } finally {
          sampling = false;
          await sampler;
        }
        const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
        return {
          ms: Math.round(performance.now() - started),
          refused: r.refused,
          refusedBeforeGrowth: before.refused,
          mostBefore: before.most,
          mostAfter: r.mostSince,
          concurrencyBefore: median(samples[0] ?? []),
          concurrencyAfter: median(samples[1] ?? []),
        };
      };
      const off = await run('plain');
      const on = await run('adaptive');
      const view = await destinationView(gw, 'adaptive');
      t.diagnostic(
        `backlog ${backlog}, receiver capacity 8 then 16 half way, 20 ms per request, concurrency 32: ` +
          `adaptive off: ${off.refused} answers 429 (${off.refusedBeforeGrowth} before the capacity grew), delivered in ${off.ms} ms; ` +
          `adaptive on: ${on.refused} answers 429 (${on.refusedBeforeGrowth} before), delivered in ${on.ms} ms, ` +
          `most served at once ${on.mostBefore} then ${on.mostAfter}, median concurrency ${on.concurrencyBefore} then ${on.concurrencyAfter}, ` +
          `now ${view.adaptive?.concurrency} (${view.adaptive?.lastChange.reason})`,
      );
      assert.ok(off.refused > 0, 'without adaptive the receiver was overrun');
      assert.ok(on.refused * 5 < off.refused, `${on.refused} vs ${off.refused} answers 429`);
      // It settled near the capacity, and followed it up once it grew.
      assert.ok(
        on.concurrencyBefore !== undefined &&
          on.concurrencyBefore >= 3 &&
          on.concurrencyBefore <= 10,
        `median concurrency ${on.concurrencyBefore} against a capacity of 8`,
      );
      assert.ok(on.mostAfter > 8, `served at most ${on.mostAfter} at once after growing to 16`);
      assert.ok(view.adaptive, 'the admin API shows the adaptive state');
      assert.equal(view.concurrency, view.adaptive.concurrency);
      // The same state as metrics: the concurrency now, and the changes by reason.
      const scraped = await (await request(`${gw.url}/metrics`)).body.text();
      const sample = (name: string, labels: string) =>
        Number(new RegExp(`^${name}\\{${labels}\\} (\\S+)$`, 'm').exec(scraped)?.[1]);
      const gauge = sample(
        'hookgate_destination_concurrency',
        'destination="adaptive",tenant="default"',
      );
      assert.ok(gauge >= view.adaptive.min && gauge <= view.adaptive.max, `gauge ${gauge}`);
      assert.ok(
        sample(
          'hookgate_adaptive_changes_total',
          'destination="adaptive",reason="429",tenant="default"',
        ) > 0,
        'decreases on 429 are counted',
      );
    } finally {
      await agent.close();
      gw.child.kill('SIGTERM');
      await gw.exited;
      await receiver.close();
    }
  });

  it("pauses the destination's sending for a 429's Retry-After", async () => {
    const limited = new LimitedReceiver(0, 0, '2');
    const arrivals: number[] = [];
    let refusedAt = 0;
    const receiver = new Receiver().on('/slow', (r, n) => {
      arrivals.push(Date.now());
      if (n === 1) {
        refusedAt = Date.now();
        return limited.behaviour(r, n);
      }
      return { status: 200 };
    });
    const url = await receiver.listen();
    const dir = tempDir();
    const file = join(dir, 'hookgate.yaml');
    writeFileSync(
      file,
      YAML.stringify({
        storage: { url: `sqlite:${join(dir, 'hookgate.db')}` },
        admin: { token: adminToken },
        delivery: { pollInterval: '100ms' },
        sources: [{ name: 'slow', provider: 'generic-hmac', secrets: [secret] }],
        destinations: [
          {
            name: 'slow',
            url: `${url}/slow`,
            concurrency: 1,
            adaptive: { maxPause: '1m' },
            retry: { schedule: ['100ms'], maxAttempts: 10, jitter: 0 },
          },
        ],
        routes: [{ source: 'slow', destination: 'slow' }],
      }),
    );
    const gw = await spawnGateway(file, dir);
    try {
      for (let i = 0; i < 3; i += 1) {
        const body = JSON.stringify({ n: i });
        const res = await request(`${gw.url}/webhooks/slow`, {
          method: 'POST',
          headers: signedJsonHeaders(secret, body),
          body,
        });
        assert.equal(res.statusCode, 200);
        await res.body.dump();
      }
      await eventually(() => arrivals.length >= 4, 10_000);
      const view = await destinationView(gw, 'slow');
      assert.equal(view.adaptive?.lastChange.reason, 'retry-after');
      // Nothing was sent to it for the 2 s it asked for (the clocks are the same machine's).
      assert.ok(
        (arrivals[1] as number) - refusedAt >= 1_900,
        `sent again after ${(arrivals[1] as number) - refusedAt} ms`,
      );
    } finally {
      gw.child.kill('SIGTERM');
      await gw.exited;
      await receiver.close();
    }
  });
});
