import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { deliveryStates } from '../../src/domain/delivery-state.ts';
import {
  engineSkipReason,
  postSigned,
  startTestGateway,
  testEngines,
  type TestGateway,
} from '../helpers/gateway.ts';
import { Receiver } from '../helpers/receiver.ts';

const secret = randomBytes(32).toString('hex');
const adminToken = randomBytes(16).toString('hex');

/**
 * docs/state-machine.md: a delivery to a paused destination is `held`, also one created while
 * it is paused; resuming makes it due. As an operator meets it: admin API, ingress, /health.
 */
for (const engine of testEngines) {
  describe(`a paused destination (${engine})`, { skip: await engineSkipReason(engine) }, () => {
    const receiver = new Receiver();
    let gw: TestGateway;
    before(async () => {
      const url = await receiver.listen();
      gw = await startTestGateway(
        {
          admin: { token: '${ADMIN_TOKEN}' },
          delivery: { pollInterval: '1h' },
          sources: [{ name: 'orders', provider: 'generic-hmac', secrets: [secret] }],
          destinations: [{ name: 'backend', url: `${url}/backend` }],
          routes: [{ source: 'orders', destination: 'backend' }],
        },
        { ADMIN_TOKEN: adminToken },
        undefined,
        engine,
      );
      gw.app.dispatcher.start();
    });
    after(async () => {
      await receiver.close();
      await (gw as TestGateway | undefined)?.close();
    });

    const admin = (method: 'GET' | 'POST', url: string) =>
      gw.app.http.inject({ method, url, headers: { authorization: `Bearer ${adminToken}` } });

    it('stores a webhook received while its destination is paused as held; resume delivers it', async () => {
      assert.equal((await admin('POST', '/admin/destinations/backend/pause')).statusCode, 200);
      const body = JSON.stringify({ id: 'while-paused' });
      const res = await postSigned(gw, secret, body);
      assert.equal(res.statusCode, 200, res.body);
      gw.app.dispatcher.wake();
      await gw.app.dispatcher.idle();
      const list = await admin('GET', '/admin/deliveries?destination=backend');
      const deliveries = (list.json() as { data: { deliveries: { state: string }[] } }).data
        .deliveries;
      assert.deepEqual(
        deliveries.map((d) => d.state),
        ['held'],
      );
      const health = (await gw.app.http.inject({ method: 'GET', url: '/health' })).json() as {
        checks: { deliveries: Record<string, number> };
      };
      assert.equal(health.checks.deliveries.held, 1);
      assert.equal(health.checks.deliveries.pending, 0);
      assert.equal(receiver.received.length, 0);

      assert.equal((await admin('POST', '/admin/destinations/backend/resume')).statusCode, 200);
      await gw.app.dispatcher.idle();
      assert.equal(receiver.at('/backend').length, 1);
    });

    it('/health counts every delivery state (docs/operations.md lists them)', async () => {
      const res = await gw.app.http.inject({ method: 'GET', url: '/health' });
      const { deliveries } = (res.json() as { checks: { deliveries: Record<string, number> } })
        .checks;
      assert.deepEqual(Object.keys(deliveries).sort(), [...deliveryStates].sort());
      const { readFileSync } = await import('node:fs');
      const doc = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
      const row = doc.split('\n').find((l) => l.startsWith('| `GET /health` '));
      const documented = /deliveries: \{([^}]*)\}/.exec(row ?? '')?.[1]?.split(/,\s*/) ?? [];
      assert.deepEqual(documented.sort(), [...deliveryStates].sort());
    });
  });
}
