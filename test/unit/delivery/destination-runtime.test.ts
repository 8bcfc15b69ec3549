import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../src/config/load.ts';
import type { DestinationConfig } from '../../../src/config/schema.ts';
import { DestinationRuntime } from '../../../src/delivery/destination-runtime.ts';
import type { ClaimedDelivery } from '../../../src/store/store.ts';
import { tempDir } from '../../helpers/gateway.ts';

const destination = parseConfig(
  JSON.stringify({
    sources: [{ name: 'shop', provider: 'none' }],
    destinations: [{ name: 'backend', url: 'http://127.0.0.1:9/in', timeoutMs: 1_000 }],
  }),
  { file: 'test', env: {}, dataDir: tempDir() },
).config.destinations[0] as DestinationConfig;

function claimed(n: number, bodyBytes: number): ClaimedDelivery {
  return {
    delivery: {
      id: `dlv_${n}`,
      eventId: `evt_${n}`,
      route: 'shop->backend',
      destination: 'backend',
      state: 'pending',
      attempts: 0,
      attemptBase: 0,
      nextAttemptAt: 0,
      lastError: null,
      errorClass: null,
      deadReason: null,
      metadata: {},
      reasons: null,
      createdAt: 0,
      updatedAt: 0,
      orderingKey: null,
      keyTurn: false,
      origin: 'ingest',
      replayOf: null,
      jobId: null,
      reviewState: null,
      reviewedBy: null,
      reviewedAt: null,
      reviewNote: null,
    },
    event: {
      id: `evt_${n}`,
      source: 'shop',
      provider: 'none',
      providerEventId: null,
      eventType: null,
      requestId: `req_${n}`,
      clientIp: '127.0.0.1',
      method: 'POST',
      url: '/webhooks/shop',
      headers: {},
      body: Buffer.alloc(bodyBytes),
      receivedAt: 0,
      duplicateCount: 0,
      lastDuplicateAt: null,
      tenant: 'default',
    },
  };
}

describe('destination runtime: deliveries claimed ahead', () => {
  it('counts the bodies it holds, in order, and gives them back as they are taken or dropped', () => {
    const runtime = new DestinationRuntime(destination, () => undefined);
    runtime.keepReady([claimed(1, 100), claimed(2, 200), claimed(3, 300)], 60_000);
    assert.equal(runtime.readyCount, 3);
    assert.equal(runtime.readyBytes, 600);
    const taken = runtime.takeReady(2, 0);
    assert.deepEqual(
      taken.map((c) => c.delivery.id),
      ['dlv_1', 'dlv_2'],
    );
    assert.equal(runtime.readyBytes, 300);
    runtime.dropReady();
    assert.equal(runtime.readyCount, 0);
    assert.equal(runtime.readyBytes, 0);
  });

  it('drops one whose lease would run out before an attempt could finish, and its bytes with it', () => {
    const runtime = new DestinationRuntime(destination, () => undefined);
    // timeoutMs 1 s + a 5 s margin: a lease ending 3 s from now is too short, 60 s is not.
    runtime.keepReady([claimed(1, 100)], 3_000);
    runtime.keepReady([claimed(2, 200)], 60_000);
    const taken = runtime.takeReady(2, 0);
    assert.deepEqual(
      taken.map((c) => c.delivery.id),
      ['dlv_2'],
    );
    assert.equal(runtime.readyBytes, 0);
  });
});

describe('destination runtime: adaptive concurrency', () => {
  const adaptiveDestination = (extra: object) =>
    parseConfig(
      JSON.stringify({
        sources: [{ name: 's', provider: 'none' }],
        destinations: [{ name: 'backend', url: 'http://127.0.0.1:9/in', ...extra }],
      }),
      { file: 'test', env: {}, dataDir: tempDir() },
    ).config.destinations[0] as DestinationConfig;
  const tooMany = (retryAfter?: string) =>
    ({
      kind: 'failed',
      errorClass: 'temporary',
      error: 'HTTP 429',
      status: 429,
      response: null,
      retryAfter,
    }) as const;
  const t0 = 1_000_000;

  it('scales its rate limit with the concurrency, and a spent rate counts as saturation', async () => {
    const runtime = new DestinationRuntime(
      adaptiveDestination({
        adaptive: true,
        concurrency: 8,
        rateLimit: { points: 10, duration: 60 },
      }),
      () => undefined,
      undefined,
      { now: t0 },
    );
    assert.equal((await runtime.capacity(t0, 50)).slots, 8);
    runtime.inFlight = 1;
    runtime.adaptResult(runtime.adaptStart(), t0, tooMany(), 5);
    runtime.inFlight = 0;
    assert.equal(runtime.concurrencyLimit, 4);
    assert.equal(runtime.adaptiveView(t0)?.rateFactor, 0.5);
    // Half of the 10 points a minute now: 5 are allowed, then none until the window ends.
    assert.equal((await runtime.capacity(t0, 50)).slots, 4);
    await runtime.take(5);
    const spent = await runtime.capacity(t0, 50);
    assert.equal(spent.slots, 0);
    assert.ok((spent.retryInMs ?? 0) > 0);
    // The rate held it back: healthy answers raise the concurrency again, one slot a round.
    for (let i = 0; i < 5; i += 1)
      runtime.adaptResult(
        runtime.adaptStart(),
        t0 + 1,
        { kind: 'delivered', status: 200, response: null },
        5,
      );
    assert.equal(runtime.concurrencyLimit, 5);
  });

  it("pauses its sending for a 429's Retry-After and tells its listeners why", async () => {
    const runtime = new DestinationRuntime(
      adaptiveDestination({ adaptive: { maxConcurrency: 4 } }),
      () => undefined,
      undefined,
      { now: t0 },
    );
    const changes: string[] = [];
    const off = runtime.onAdaptiveChange((name, c) =>
      changes.push(`${name} ${c.reason} ${c.from}->${c.to} paused until ${c.pausedUntil}`),
    );
    runtime.adaptResult(runtime.adaptStart(), t0, tooMany('3'), 5);
    assert.deepEqual(await runtime.capacity(t0 + 1_000, 10), { slots: 0, retryInMs: 2_000 });
    assert.equal((await runtime.capacity(t0 + 3_000, 10)).slots, 2);
    // One answer, one change: the decrease, carrying the pause.
    assert.deepEqual(changes, [`backend 429 4->2 paused until ${t0 + 3_000}`]);
    assert.equal(runtime.adaptiveView(t0 + 1_000)?.pausedUntil, t0 + 3_000);
    off();
    runtime.adaptResult(runtime.adaptStart(), t0 + 4_000, tooMany(), 5);
    assert.equal(changes.length, 1, 'an unsubscribed listener hears nothing');
  });
});
