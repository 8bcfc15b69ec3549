import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { Connection } from 'rabbitmq-client';
import { brokerSkipReason, natsUrl, rabbitUrl } from '../helpers/brokers.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { OtlpReceiver } from '../helpers/otlp.ts';
import { signedJsonHeaders } from '../helpers/process.ts';
import { eventually } from '../helpers/receiver.ts';
import { redisSkipReason, redisUrl } from '../helpers/redis.ts';

const secret = randomBytes(32).toString('hex');
const run = `tr${randomBytes(4).toString('hex')}`;
const skip =
  (await redisSkipReason()) ||
  (await brokerSkipReason(natsUrl)) ||
  (await brokerSkipReason(rabbitUrl));

/**
 * `traceparent` reaches broker consumers: a NATS header, an AMQP header, and a field of the
 * envelope on Redis (which has no message headers). Each is the context of that attempt's send
 * span, in the event's one trace.
 */
describe('trace context in broker messages (real NATS, RabbitMQ, Redis)', { skip }, () => {
  const otlp = new OtlpReceiver();
  let gw: TestGateway;
  let redis: Redis;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let rabbit: Connection;
  const stream = `HG_${run}`;
  const exchange = `hg.${run}`;
  const queue = `hg.${run}.q`;

  before(async () => {
    const otlpUrl = await otlp.listen();
    redis = new Redis(redisUrl);
    nc = await connect({ servers: natsUrl });
    jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: stream, subjects: [`hg.${run}.>`] });
    rabbit = new Connection(rabbitUrl);
    await rabbit.exchangeDeclare({ exchange, type: 'topic', autoDelete: true });
    await rabbit.queueDeclare({ queue, exclusive: true });
    await rabbit.queueBind({ queue, exchange, routingKey: '#' });
    gw = await startTestGateway({
      delivery: { pollInterval: '1h' },
      tracing: { endpoint: `${otlpUrl}/v1/traces`, exportDelay: 50 },
      sources: [{ name: 'shop', provider: 'generic-hmac', secrets: [secret] }],
      destinations: [
        { name: 'nats', type: 'nats', url: natsUrl, subject: `hg.${run}.{{source}}` },
        { name: 'rabbit', type: 'rabbitmq', url: rabbitUrl, exchange, routingKey: '{{source}}' },
        { name: 'redis', type: 'redis', url: redisUrl, stream: `hg:${run}` },
      ],
      routes: ['nats', 'rabbit', 'redis'].map((destination) => ({ source: 'shop', destination })),
    });
    await gw.app.destinations.whenConnected(10_000);
    gw.app.dispatcher.start();
  });

  after(async () => {
    await (gw as TestGateway | undefined)?.close();
    await otlp.close();
    await jsm?.streams.delete(stream).catch(() => undefined);
    await nc?.close();
    await redis?.del(`hg:${run}`);
    redis?.disconnect();
    await rabbit?.close();
  });

  it("each broker's consumer gets the send span's traceparent", async () => {
    const body = '{"id":"evt-broker-trace"}';
    const res = await gw.app.http.inject({
      method: 'POST',
      url: '/webhooks/shop',
      payload: body,
      headers: signedJsonHeaders(secret, body),
    });
    assert.equal(res.statusCode, 200, res.body);
    const eventId = res.json().data.eventId as string;
    await gw.app.dispatcher.idle();
    const deliveries = await gw.store.deliveryListByEvent({ eventId });
    for (const d of deliveries)
      assert.equal(d.state, 'delivered', `${d.destination}: ${d.lastError}`);
    await gw.app.observe.tracing?.flush();

    const stored = await gw.store.eventGet({ id: eventId });
    const traceId = (stored?.traceContext as string).split('-')[1] as string;
    const sends = await eventually(() => {
      const found = otlp.spans.filter((s) => s.name === 'send' && s.traceId === traceId);
      return found.length === 3 && found;
    });
    const attempts = otlp.spans.filter(
      (s) => s.name === 'delivery attempt' && s.traceId === traceId,
    );
    const sendOf = (destination: string) => {
      const attempt = attempts.find((a) => a.attributes['hookgate.destination'] === destination);
      const send = sends.find((s) => s.parentSpanId === attempt?.spanId);
      assert.ok(send, `a send span for ${destination}`);
      assert.equal(send.kind, 4, 'a producer span');
      return `00-${traceId}-${send.spanId}-01`;
    };

    const msg = await jsm.streams.getMessage(stream, { last_by_subj: `hg.${run}.shop` });
    assert.equal(msg?.header?.get('traceparent'), sendOf('nats'));

    const got = await rabbit.basicGet({ queue, noAck: true });
    assert.equal(got?.headers?.traceparent, sendOf('rabbit'));

    const [[, fields] = ['', []]] = await redis.xrange(`hg:${run}`, '-', '+');
    const envelope = JSON.parse(fields[3] as string) as { traceparent?: string; id: string };
    assert.equal(envelope.id, eventId);
    assert.equal(envelope.traceparent, sendOf('redis'));
  });
});
