import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { Connection } from 'rabbitmq-client';
import { ManualClock } from '../../src/domain/clock.ts';
import { brokerSkipReason, natsUrl, rabbitUrl } from '../helpers/brokers.ts';
import { startTestGateway, testNow, type TestGateway } from '../helpers/gateway.ts';
import { eventually } from '../helpers/receiver.ts';
import { redisSkipReason, redisUrl } from '../helpers/redis.ts';

const secret = randomBytes(32).toString('hex');
const adminToken = randomBytes(16).toString('hex');
const run = `t${randomBytes(4).toString('hex')}`;
const skip =
  (await redisSkipReason()) ||
  (await brokerSkipReason(natsUrl)) ||
  (await brokerSkipReason(rabbitUrl));

/**
 * Each broker type from a configuration through the loader, the HTTP ingress and the dispatcher,
 * against the real local Redis, NATS (JetStream) and RabbitMQ: what arrives (name, headers,
 * envelope), hostile event types in names, and a poison message that goes dead and is requeued
 * once the broker side is fixed.
 */
describe('broker destinations (real Redis, NATS JetStream, RabbitMQ)', { skip }, () => {
  const clock = new ManualClock(testNow);
  let gw: TestGateway;
  let redis: Redis;
  let subscriber: Redis;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let rabbit: Connection;
  const channelMessages: { channel: string; message: string }[] = [];
  const stream = `HG_${run}`;
  const exchange = `hg.${run}`;
  const queue = `hg.${run}.shop`;

  before(async () => {
    redis = new Redis(redisUrl);
    subscriber = new Redis(redisUrl);
    await subscriber.psubscribe(`hg.${run}.*`);
    subscriber.on('pmessage', (_p, channel, message) => channelMessages.push({ channel, message }));
    nc = await connect({ servers: natsUrl });
    jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: stream, subjects: [`hg.${run}.shop.>`] });
    rabbit = new Connection(rabbitUrl);
    await rabbit.exchangeDeclare({ exchange, type: 'topic', autoDelete: true });
    await rabbit.queueDeclare({ queue, exclusive: true });
    await rabbit.queueBind({ queue, exchange, routingKey: 'shop.#' });

    const common = { retry: { schedule: ['1m'], maxAttempts: 5, jitter: 0 } };
    gw = await startTestGateway(
      {
        admin: { token: '${ADMIN_TOKEN}' },
        delivery: { pollInterval: '1h' },
        sources: ['shop', 'other'].map((name) => ({
          name,
          provider: 'generic-hmac',
          secrets: [secret],
          options: { eventTypeHeader: 'x-event-type' },
        })),
        destinations: [
          {
            name: 'redis-channel',
            type: 'redis',
            url: redisUrl,
            channel: `hg.${run}.{{source}}.{{eventType}}`,
            ...common,
          },
          {
            name: 'redis-stream',
            type: 'redis',
            url: redisUrl,
            stream: `hg:${run}:{{source}}`,
            maxLen: 1000,
            ...common,
          },
          {
            name: 'nats',
            type: 'nats',
            url: natsUrl,
            subject: `hg.${run}.{{source}}.{{eventType}}`,
            headers: { 'X-Team': 'payments' },
            ...common,
          },
          {
            name: 'rabbit',
            type: 'rabbitmq',
            url: rabbitUrl,
            exchange,
            routingKey: '{{source}}.{{eventType}}',
            ...common,
          },
        ],
        routes: ['shop', 'other'].flatMap((source) =>
          ['redis-channel', 'redis-stream', 'nats', 'rabbit'].map((destination) => ({
            source,
            destination,
          })),
        ),
      },
      { ADMIN_TOKEN: adminToken },
      clock,
    );
    await eventually(async () => {
      const health = (await gw.app.http.inject({ url: '/health' })).json();
      const connections = Object.values(health.checks.destinations ?? {}) as { status: string }[];
      return connections.length === 4 && connections.every((c) => c.status === 'connected');
    }, 10_000);
    gw.app.dispatcher.start();
  });

  after(async () => {
    await (gw as TestGateway | undefined)?.close();
    await jsm?.streams.delete(stream).catch(() => undefined);
    await nc?.close();
    await redis?.del(`hg:${run}:shop`, `hg:${run}:other`);
    redis?.disconnect();
    subscriber?.disconnect();
    await rabbit?.close();
  });

  async function send(source: string, type: string, body: string): Promise<string> {
    const res = await gw.app.http.inject({
      method: 'POST',
      url: `/webhooks/${source}`,
      payload: body,
      headers: {
        'content-type': 'application/json',
        'x-signature': createHmac('sha256', secret).update(body).digest('hex'),
        'x-event-type': type,
        'x-request-id': `req-${run}`,
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    await gw.app.dispatcher.idle();
    return res.json().data.eventId as string;
  }

  const deliveriesOf = async (eventId: string) =>
    Object.fromEntries(
      (await gw.store.deliveryListByEvent({ eventId })).map((d) => [d.destination, d]),
    );

  it('every type gets the envelope under the rendered name, with the metadata in its headers', async () => {
    const body = '{"order":{"id":12345678901234567890,"total":"9.50"}}';
    const eventId = await send('shop', 'payment_intent.succeeded', body);
    const deliveries = await deliveriesOf(eventId);
    for (const name of ['redis-channel', 'redis-stream', 'nats', 'rabbit'])
      assert.equal(deliveries[name]?.state, 'delivered', `${name}: ${deliveries[name]?.lastError}`);

    // Redis PUBLISH: seed 003's channel shape; the body embedded as its own bytes.
    const channel = `hg.${run}.shop.payment_intent.succeeded`;
    const published = await eventually(() => channelMessages.find((m) => m.channel === channel));
    const envelope = JSON.parse(published.message);
    assert.equal(envelope.id, eventId);
    assert.equal(envelope.idempotencyKey, `${eventId}.redis-channel`);
    assert.equal(envelope.source, 'shop');
    assert.equal(envelope.type, 'payment_intent.succeeded');
    assert.equal(envelope.requestId, `req-${run}`);
    assert.equal(envelope.bodyEncoding, 'json');
    assert.ok(published.message.includes(`"body":${body}}`), 'the body bytes are kept as sent');

    // Redis XADD.
    const entries = await redis.xrange(`hg:${run}:shop`, '-', '+');
    const entry = entries.find(([, fields]) => fields[1] === `${eventId}.redis-stream`);
    assert.ok(entry, 'the stream has the entry');
    assert.equal(JSON.parse(entry[1][3] as string).id, eventId);

    // NATS JetStream: the stream acknowledged it; Nats-Msg-Id is the idempotency key.
    const msg = await jsm.streams.getMessage(stream, {
      last_by_subj: `hg.${run}.shop.payment_intent.succeeded`,
    });
    assert.ok(msg, 'JetStream has the message');
    assert.equal(msg.header?.get('Nats-Msg-Id'), `${eventId}.nats`);
    assert.equal(msg.header?.get('hookgate-event-id'), eventId);
    assert.equal(msg.header?.get('hookgate-event-type'), 'payment_intent.succeeded');
    assert.equal(msg.header?.get('x-team'), 'payments');
    assert.equal(JSON.parse(new TextDecoder().decode(msg.data)).id, eventId);

    // RabbitMQ: routed by the topic key, persistent, messageId = idempotency key.
    const got = await rabbit.basicGet({ queue, noAck: true });
    assert.ok(got, 'the queue has the message');
    assert.equal(got.routingKey, 'shop.payment_intent.succeeded');
    assert.equal(got.messageId, `${eventId}.rabbit`);
    assert.equal(got.durable, true);
    assert.equal(got.headers?.['hookgate-event-type'], 'payment_intent.succeeded');
    assert.equal((got.body as { id: string }).id, eventId, 'rabbitmq-client parses a JSON body');
  });

  it('an event type with an emoji, a lone surrogate, NUL, wildcards, spaces and dots stays inside its token', async () => {
    const type = 'x\ud83d\ude00 *>.\u0000\ud800..end.';
    const eventId = await send('shop', type, '{}');
    // Stored text holds neither NUL nor a lone surrogate: each is U+FFFD (src/store/text.ts).
    const stored = type.toWellFormed().replaceAll('\u0000', '\ufffd');
    const encoded = 'x%F0%9F%98%80%20%2A%3E.%EF%BF%BD%EF%BF%BD%2E%2Eend%2E';
    const deliveries = await deliveriesOf(eventId);
    for (const name of ['redis-channel', 'redis-stream', 'nats', 'rabbit'])
      assert.equal(deliveries[name]?.state, 'delivered', `${name}: ${deliveries[name]?.lastError}`);
    await eventually(() => channelMessages.find((m) => m.channel === `hg.${run}.shop.${encoded}`));
    const msg = await jsm.streams.getMessage(stream, { last_by_subj: `hg.${run}.shop.${encoded}` });
    assert.equal(msg?.header?.get('hookgate-event-type'), encodeURIComponent(stored));
    const got = await rabbit.basicGet({ queue, noAck: true });
    assert.equal(got?.routingKey, `shop.${encoded}`);
    assert.equal(decodeURIComponent(encoded), stored, 'the encoding is reversible');
  });

  it('a poison message goes dead with a clear reason and is delivered once requeued after the fix', async () => {
    // Source "other": no JetStream stream captures its subjects, no queue is bound for its
    // routing keys, and its Redis stream key holds a string.
    await redis.set(`hg:${run}:other`, 'not a stream');
    const eventId = await send('other', 'poison', '{"n":1}');
    const dead = await deliveriesOf(eventId);
    assert.equal(dead['redis-channel']?.state, 'delivered', 'PUBLISH without subscribers is sent');
    assert.equal(dead['redis-stream']?.state, 'dead');
    assert.match(dead['redis-stream']?.lastError ?? '', /WRONGTYPE/);
    assert.equal(dead.nats?.state, 'dead');
    assert.equal(dead.nats?.errorClass, 'configuration');
    assert.match(dead.nats?.lastError ?? '', /no JetStream stream is bound to subject/);
    assert.equal(dead.rabbit?.state, 'dead');
    assert.match(dead.rabbit?.lastError ?? '', /no queue is bound/);

    await redis.del(`hg:${run}:other`);
    const info = await jsm.streams.info(stream);
    await jsm.streams.update(stream, {
      ...info.config,
      subjects: [...info.config.subjects, `hg.${run}.other.>`],
    });
    await rabbit.queueBind({ queue, exchange, routingKey: 'other.#' });
    const res = await gw.app.http.inject({
      method: 'POST',
      url: '/admin/deliveries/requeue',
      headers: { authorization: `Bearer ${adminToken}` },
      payload: { source: 'other' },
    });
    assert.equal(res.json().data.requeued, 3);
    gw.app.dispatcher.wake();
    await gw.app.dispatcher.idle();
    const after = await deliveriesOf(eventId);
    for (const name of ['redis-stream', 'nats', 'rabbit'])
      assert.equal(after[name]?.state, 'delivered', `${name}: ${after[name]?.lastError}`);
  });
});
