import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { careemSampleOrder } from '../../src/providers/careem/simulate.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { eventually, Receiver } from '../helpers/receiver.ts';

const secret = randomBytes(16).toString('hex');
const example = readFileSync(new URL('../../hookgate.example.yaml', import.meta.url), 'utf8');

/**
 * The shipped example configuration, as a newcomer runs it: Careem names an order by one id for
 * all its status updates (seed 001: `"status": "created"`, then `accepted`, …), so deduplicating
 * on that id alone dropped every update after the first as a duplicate. The example deduplicates
 * on the id and the event type (`order.<status>`) together; a true repeat is still one event.
 */
describe('the example configuration: Careem status updates of one order', () => {
  const receiver = new Receiver();
  let gw: TestGateway;

  before(async () => {
    const url = await receiver.listen();
    gw = await startTestGateway(example, {
      CAREEM_WEBHOOK_SECRET: secret,
      BACKEND_URL: `${url}/orders`,
    });
    gw.app.dispatcher.start();
  });
  after(async () => {
    await gw.close();
    await receiver.close();
  });

  const post = async (order: object) => {
    const body = JSON.stringify(order);
    const res = await gw.app.http.inject({
      method: 'POST',
      url: '/webhooks/careem',
      payload: body,
      headers: {
        'content-type': 'application/json',
        'x-careem-signature': createHmac('sha256', secret).update(body).digest('hex'),
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().data as { eventId: string; duplicate?: boolean };
  };

  it('stores and delivers each status of an order; a repeat of one status is a duplicate', async () => {
    const order = { ...careemSampleOrder, id: 'CR700100200', merchant_id: 'MERCHANT-AMMAN-01' };
    const created = await post(order);
    const accepted = await post({ ...order, status: 'accepted' });
    const repeat = await post({ ...order, status: 'accepted' });
    assert.equal(created.duplicate, undefined);
    assert.equal(accepted.duplicate, undefined);
    assert.notEqual(accepted.eventId, created.eventId);
    assert.deepEqual(repeat, { ...repeat, eventId: accepted.eventId, duplicate: true });
    const types = async (id: string) => (await gw.store.eventGet({ id }))?.eventType;
    assert.deepEqual(
      [await types(created.eventId), await types(accepted.eventId)],
      ['order.created', 'order.accepted'],
    );
    // Both reach the backend (one request per stored event).
    await eventually(() => receiver.at('/orders').length === 2, 10_000);
  });
});
