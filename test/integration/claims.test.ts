import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClaimedDelivery, ClaimParams } from '../../src/store/store.ts';
import {
  engineSkipReason,
  startTestGateway,
  testEngines,
  type TestGateway,
} from '../helpers/gateway.ts';
import { signedJsonHeaders } from '../helpers/process.ts';
import { Receiver } from '../helpers/receiver.ts';

const secret = randomBytes(32).toString('hex');

/**
 * When the dispatcher asks the database for due deliveries. The poll is an hour away: whatever
 * is delivered here was claimed because of a wake-up, never because of the poll.
 */
for (const engine of testEngines) {
  describe(`claiming due deliveries (${engine})`, { skip: await engineSkipReason(engine) }, () => {
    const receiver = new Receiver();
    let gw: TestGateway;
    /** What each claim found. */
    const claims: number[] = [];
    /** When set, claims wait for it before they return what they found. */
    let gate: Promise<void> | undefined;

    before(async () => {
      const url = await receiver.listen();
      gw = await startTestGateway(
        {
          delivery: { pollInterval: '1h' },
          sources: [{ name: 'orders', provider: 'generic-hmac', secrets: [secret] }],
          destinations: [{ name: 'backend', url: `${url}/backend` }],
          routes: [{ source: 'orders', destination: 'backend' }],
        },
        {},
        undefined,
        engine,
      );
      const store = gw.store;
      const claimDue = store.deliveryClaimDue.bind(store);
      store.deliveryClaimDue = async (params: ClaimParams): Promise<ClaimedDelivery[]> => {
        const claimed = await claimDue(params);
        await gate;
        claims.push(claimed.length);
        return claimed;
      };
      gw.app.dispatcher.start();
      // PostgreSQL: the listener wakes the dispatcher once when it connects; let that be over.
      const listening = () => gw.logs.some((l) => l.includes('listening for new deliveries'));
      for (let i = 0; engine === 'postgres' && i < 500 && !listening(); i += 1) await sleep(10);
      assert.ok(engine !== 'postgres' || listening(), 'the wake-up listener did not connect');
    });
    after(async () => {
      await receiver.close();
      await (gw as TestGateway | undefined)?.close();
    });

    async function send(n: number): Promise<void> {
      const body = JSON.stringify({ n });
      const res = await gw.app.http.inject({
        method: 'POST',
        url: '/webhooks/orders',
        payload: body,
        headers: signedJsonHeaders(secret, body),
      });
      assert.equal(res.statusCode, 200, res.body);
    }

    async function delivered(count: number): Promise<void> {
      for (let i = 0; i < 500 && receiver.at('/backend').length < count; i += 1) await sleep(10);
      assert.equal(receiver.at('/backend').length, count);
      await gw.app.dispatcher.idle();
    }

    it('a freed slot does not ask again once a claim found everything that was due', async () => {
      await gw.app.dispatcher.idle();
      claims.length = 0;
      for (let n = 0; n < 10; n += 1) {
        await send(n);
        await delivered(n + 1);
      }
      // Each commit wakes the dispatcher once (on PostgreSQL its NOTIFY once more); before, every
      // finished attempt also claimed and found nothing.
      const empty = claims.filter((found) => found === 0).length;
      assert.ok(claims.length >= 10, `${claims.length} claims`);
      assert.ok(empty <= (engine === 'postgres' ? 10 : 0), `${empty} claims found nothing`);
    });

    it('a wake-up during a claim that comes back short is not lost', async () => {
      const before = receiver.at('/backend').length;
      let open: () => void = () => undefined;
      gate = new Promise((resolve) => (open = resolve));
      // The first event's commit wakes a claim that finds it alone and waits at the gate; the
      // second event commits meanwhile. The claim then comes back short, which must not hide the
      // second event until the poll.
      await send(100);
      await sleep(20);
      await send(101);
      gate = undefined;
      open();
      await delivered(before + 2);
    });
  });
}
