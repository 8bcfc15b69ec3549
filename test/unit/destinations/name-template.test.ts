import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseConfig } from '../../../src/config/load.ts';
import { encodeNamePart, NameTemplate } from '../../../src/destinations/name-template.ts';
import type { StoredEvent } from '../../../src/store/store.ts';
import { tempDir } from '../../helpers/gateway.ts';

const event = (eventType: string | null): StoredEvent => ({
  id: 'evt_1',
  source: 'stripe',
  provider: 'stripe',
  providerEventId: null,
  eventType,
  requestId: 'r',
  clientIp: '127.0.0.1',
  method: 'POST',
  url: '/webhooks/stripe',
  headers: {},
  body: Buffer.from('{}'),
  receivedAt: 0,
  duplicateCount: 0,
  lastDuplicateAt: null,
  tenant: 'default',
});

/** A NATS subject token: non-empty, no whitespace, no wildcard, no dot. */
const token = /^[^\s*>.]+$/;

describe('name templates (subjects, channels, streams, routing keys)', () => {
  it("gives seed 003's channel from its template", () => {
    const t = new NameTemplate('integration.webhook.{{source}}.{{eventType}}');
    assert.equal(
      t.render(event('payment_intent.succeeded')),
      'integration.webhook.stripe.payment_intent.succeeded',
    );
    assert.equal(t.render(event(null)), 'integration.webhook.stripe._');
  });

  it("names a tenant's source one level deeper, and its tenant", () => {
    const tenants = { ...event('order.created'), source: 'acme/shop', tenant: 'acme' };
    const t = new NameTemplate('webhooks.{{source}}.{{eventType}}');
    assert.equal(t.render(tenants), 'webhooks.acme.shop.order.created');
    assert.equal(new NameTemplate('t.{{tenant}}.{{provider}}').render(tenants), 't.acme.stripe');
    assert.equal(new NameTemplate('t.{{tenant}}').render(event(null)), 't.default');
  });

  it('encodes hostile values: emoji, lone surrogates, NUL, wildcards, spaces, stray dots, %', () => {
    assert.equal(encodeNamePart('x\ud83d\ude00'), 'x%F0%9F%98%80');
    assert.equal(encodeNamePart('a\ud800'), 'a%EF%BF%BD');
    assert.equal(encodeNamePart('\u0000'), '%00');
    assert.equal(encodeNamePart('*'), '%2A');
    assert.equal(encodeNamePart('>'), '%3E');
    assert.equal(encodeNamePart('a b'), 'a%20b');
    assert.equal(encodeNamePart('.a..b.'), '%2Ea%2E%2Eb%2E');
    assert.equal(encodeNamePart('50%'), '50%25');
    assert.equal(encodeNamePart(''), '_');
  });

  it('any value gives dot-separated valid tokens, at most 128 characters, reversible when not cut', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (value) => {
        const out = encodeNamePart(value);
        assert.ok(out.length <= 128, out);
        for (const part of out.split('.')) assert.match(part, token);
        if (!out.includes('~')) assert.equal(decodeURIComponent(out), value.toWellFormed() || '_');
      }),
    );
  });

  it('a huge value is cut and keeps a hash: different values stay different', () => {
    const a = encodeNamePart('a'.repeat(10_000));
    const b = encodeNamePart(`${'a'.repeat(9_999)}b`);
    assert.equal(a.length, 128);
    assert.notEqual(a, b);
    assert.equal(encodeNamePart('\ud83d\ude00'.repeat(1000)).length <= 128, true);
  });

  it('the configuration refuses what cannot be a valid name, and keeps http the default type', () => {
    const load = (destination: object) =>
      parseConfig(
        JSON.stringify({
          sources: [{ name: 's', provider: 'none' }],
          destinations: [{ name: 'd', ...destination }],
        }),
        { file: 'test.yaml', env: {}, dataDir: tempDir() },
      );
    assert.equal(load({ url: 'http://127.0.0.1/x' }).config.destinations[0]?.type, 'http');
    assert.throws(
      () => load({ type: 'nats', url: 'nats://127.0.0.1:4222', subject: 'a.*.{{eventType}}' }),
      /no spaces, no \* or >/,
    );
    assert.throws(
      () => load({ type: 'nats', url: 'nats://127.0.0.1:4222', subject: 'a..{{eventType}}' }),
      /none empty/,
    );
    assert.throws(
      () => load({ type: 'nats', url: 'nats://127.0.0.1:4222', subject: 'a.{{eventKind}}' }),
      /unknown placeholder \{\{eventKind\}\}/,
    );
    assert.throws(
      () =>
        load({
          type: 'rabbitmq',
          url: 'amqp://127.0.0.1',
          routingKey: '{{eventType}}.{{eventType}}',
        }),
      /may reach 257 bytes/,
    );
    assert.throws(
      () => load({ type: 'redis', url: 'redis://127.0.0.1', channel: 'a', stream: 'b' }),
      /set either channel or stream/,
    );
    assert.throws(() => load({ type: 'smtp', url: 'http://x' }), /type/);
  });
});
