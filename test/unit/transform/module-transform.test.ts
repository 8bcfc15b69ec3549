import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { StoredEvent } from '../../../src/store/store.ts';
import { loadModuleTransform } from '../../../src/transform/module-transform.ts';
import { tempDir } from '../../helpers/gateway.ts';

const dir = tempDir();
const event: StoredEvent = {
  id: 'evt_1',
  source: 'orders',
  provider: 'generic-hmac',
  providerEventId: 'O-1',
  eventType: 'order.created',
  requestId: 'req-1',
  clientIp: '127.0.0.1',
  method: 'POST',
  url: '/webhooks/orders',
  headers: { 'content-type': 'application/json' },
  body: Buffer.from('{"order_id":"O-1","total":"12.500"}'),
  receivedAt: 1_700_000_000_000,
  duplicateCount: 0,
  lastDuplicateAt: null,
  tenant: 'default',
};

function moduleWith(name: string, code: string, timeoutMs = 1000) {
  const path = join(dir, name);
  writeFileSync(path, code);
  return loadModuleTransform(path, { timeoutMs });
}

describe('operator transform modules', () => {
  it('sends what transform(event) returns: an object body as JSON, headers lower-cased', () => {
    const t = moduleWith(
      'ok.js',
      `exports.transform = (e) => ({ body: { id: e.json.order_id, type: e.eventType }, headers: { 'X-Kind': 'order' } });`,
    );
    assert.deepEqual(t.run(event, 0), {
      kind: 'send',
      body: '{"id":"O-1","type":"order.created"}',
      headers: { 'x-kind': 'order', 'content-type': 'application/json' },
    });
  });

  it('accepts `export function transform` and string bodies', () => {
    const t = moduleWith(
      'esm.js',
      'export function transform(e) { return { body: e.body.toUpperCase() }; }',
    );
    const out = t.run(event, 0);
    assert.equal(out.kind === 'send' && out.body, '{"ORDER_ID":"O-1","TOTAL":"12.500"}');
  });

  it('null skips the destination', () => {
    assert.deepEqual(moduleWith('skip.js', 'exports.transform = () => null;').run(event, 0), {
      kind: 'skip',
    });
  });

  it('a throw or a runaway loop is a transform failure, not a crash', () => {
    const thrown = moduleWith(
      'throw.js',
      'exports.transform = () => { throw new Error("bad order"); };',
    );
    assert.deepEqual(thrown.run(event, 0), { kind: 'failed', error: 'transform threw: bad order' });
    const slow = moduleWith('loop.js', 'exports.transform = () => { for (;;) {} };', 50);
    assert.deepEqual(slow.run(event, 0), {
      kind: 'failed',
      error: 'transform timed out after 50 ms',
    });
  });

  it('has no network, no require, no process, no timers, no eval', () => {
    for (const [name, expr] of [
      ['fetch', 'fetch("http://127.0.0.1:9")'],
      ['require', 'require("node:http")'],
      ['process', 'process.exit(1)'],
      ['timers', 'setTimeout(() => 0, 1)'],
      ['eval', 'eval("1")'],
    ] as const) {
      const t = moduleWith(
        `${name}.js`,
        `exports.transform = () => { ${expr}; return { body: 'x' }; };`,
      );
      const out = t.run(event, 0);
      assert.equal(out.kind, 'failed', name);
    }
  });

  it('rejects a result that is not {body, headers?} or null, and a module without transform', () => {
    assert.equal(
      moduleWith('bad.js', 'exports.transform = () => 42;').run(event, 0).kind,
      'failed',
    );
    assert.equal(
      moduleWith('async.js', 'exports.transform = async () => ({ body: "x" });').run(event, 0).kind,
      'failed',
    );
    assert.throws(() => moduleWith('none.js', 'exports.other = 1;'), /does not export a transform/);
  });
});
