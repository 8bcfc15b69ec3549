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
