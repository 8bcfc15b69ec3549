import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../../src/config/load.ts';
import { idempotencyKey } from '../../../src/domain/idempotency.ts';
import { checkTargets, replaysFor, UnknownTargetError } from '../../../src/replay/targets.ts';
import { RouteTable } from '../../../src/routing/route-table.ts';
import { wellFormed } from '../../../src/store/text.ts';
import { tempDir } from '../../helpers/gateway.ts';

const { config } = parseConfig(
  JSON.stringify({
    sources: [
      { name: 'shop', provider: 'none' },
      { name: 'crm', provider: 'none' },
    ],
    destinations: ['backend', 'audit', 'crm-sync', 'late'].map((name) => ({
      name,
      url: `http://127.0.0.1:9/${name}`,
    })),
    routes: [
      { source: 'shop', destination: 'backend' },
      {
        name: 'big-orders',
        source: 'shop',
        destination: 'audit',
        filter: { body: { total: { gte: 100 } } },
      },
      { source: 'crm', destination: 'crm-sync' },
    ],
  }),
  { file: 'test.yaml', env: {}, dataDir: tempDir() },
);
const event = (body: object) => ({
  id: 'evt_1',
  source: 'shop',
  eventType: 'order.created',
  headers: {},
  body: Buffer.from(JSON.stringify(body)),
});
const earlier = [
  { id: 'dlv_replay', destination: 'backend', origin: 'replay' as const, createdAt: 5 },
  { id: 'dlv_orig', destination: 'backend', origin: 'ingest' as const, createdAt: 1 },
];

test('a replay goes to the routes of the event source whose filters match it now, linked to the original', () => {
  const small = replaysFor(config, event({ total: 5 }), earlier, {});
  assert.deepEqual(
    small.map((r) => [r.route, r.destination, r.replayOf]),
    [['shop->backend', 'backend', 'dlv_orig']],
  );
  const big = replaysFor(config, event({ total: 500 }), earlier, {});
  assert.deepEqual(
    big.map((r) => [r.route, r.destination, r.replayOf]),
    [
      ['shop->backend', 'backend', 'dlv_orig'],
      ['big-orders', 'audit', null],
    ],
  );
  assert.notEqual(big[0]?.id, small[0]?.id);
  const notJson = replaysFor(config, { ...event({}), body: Buffer.from([0xff, 0x00]) }, [], {});
  assert.deepEqual(
    notJson.map((r) => r.destination),
    ['backend'],
  );
});

test('named destinations go through the source route to them when there is one; named routes of another source are skipped', () => {
  const named = replaysFor(config, event({ total: 1 }), earlier, {
    destinations: ['audit', 'late', 'audit'],
  });
  assert.deepEqual(
    named.map((r) => [r.route, r.destination]),
    [
      ['big-orders', 'audit'],
      ['shop->late', 'late'],
    ],
  );
  const routes = replaysFor(config, event({ total: 1 }), earlier, {
    routes: ['big-orders', 'crm->crm-sync'],
  });
  assert.deepEqual(
    routes.map((r) => r.destination),
    ['audit'],
  );
  assert.throws(() => checkTargets(config, { destinations: ['nowhere'] }), UnknownTargetError);
  assert.throws(() => checkTargets(config, { routes: ['nope'] }), UnknownTargetError);
  checkTargets(config, { routes: ['big-orders'], destinations: ['late'] });
});

test('a replay has its own idempotency key, led by the original one', () => {
  const original = {
    id: 'dlv_a',
    eventId: 'evt_1',
    destination: 'backend',
    origin: 'ingest' as const,
  };
  assert.equal(idempotencyKey(original), 'evt_1.backend');
  assert.equal(
    idempotencyKey({ ...original, id: 'dlv_b', origin: 'replay' }),
    'evt_1.backend.dlv_b',
  );
});

test("a replay on an ordered route carries the key the route's ordering reads from the stored event", () => {
  const { config: ordered } = parseConfig(
    JSON.stringify({
      sources: [{ name: 'shop', provider: 'none' }],
      destinations: [
        { name: 'backend', url: 'http://127.0.0.1:9/b', ordering: { key: 'json:order.id' } },
        { name: 'audit', url: 'http://127.0.0.1:9/a' },
        { name: 'late', url: 'http://127.0.0.1:9/l', ordering: { key: 'header:x-order' } },
      ],
      routes: [
        { source: 'shop', destination: 'backend' },
        { source: 'shop', destination: 'audit', ordering: { key: 'eventId' } },
      ],
    }),
    { file: 'test.yaml', env: {}, dataDir: tempDir() },
  );
  const stored = {
    ...event({ order: { id: 'o-7' } }),
    providerEventId: 'p-1',
    headers: { 'x-order': 'h-9' },
  };
  const made = replaysFor(ordered, stored, [], { destinations: ['backend', 'audit', 'late'] });
  assert.deepEqual(
    made.map((r) => [r.destination, r.orderingKey]),
    [
      // The destination's ordering, through the source's route to it.
      ['backend', 'shop/o-7'],
      // The route's own.
      ['audit', 'shop/p-1'],
      // No route of the source: the destination's ordering.
      ['late', 'shop/h-9'],
    ],
  );
  // No value where the key is read: not ordered, as at ingest.
  const bare = replaysFor(ordered, { ...event({}), providerEventId: null }, [], {});
  assert.deepEqual(
    bare.map((r) => [r.destination, r.orderingKey]),
    [
      ['backend', null],
      ['audit', null],
    ],
  );
});

test('an eventId key is the same at ingest and at replay, whatever the id holds (as stored: NUL and lone surrogates are U+FFFD)', () => {
  const { config: byId } = parseConfig(
    JSON.stringify({
      sources: [{ name: 'shop', provider: 'none' }],
      destinations: [{ name: 'backend', url: 'http://127.0.0.1:9/b' }],
      routes: [{ source: 'shop', destination: 'backend', ordering: { key: 'eventId' } }],
    }),
    { file: 'test.yaml', env: {}, dataDir: tempDir() },
  );
  const table = new RouteTable(byId);
  for (const id of ['plain-1', 'nul\u0000id', 'lone\ud800', '🍕']) {
    const [atIngest] = table.deliveriesFor('shop', {
      eventId: id,
      eventType: undefined,
      headers: {},
      body: () => ({}),
    });
    // What the store keeps of the id, and so what a replay reads.
    const [atReplay] = replaysFor(byId, { ...event({}), providerEventId: wellFormed(id) }, [], {});
    assert.equal(atReplay?.orderingKey, atIngest?.orderingKey, JSON.stringify(id));
    assert.ok(atIngest?.orderingKey?.startsWith('shop/'));
  }
});
