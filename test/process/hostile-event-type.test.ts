import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Stripe from 'stripe';
import { request } from 'undici';
import { tempDir } from '../helpers/gateway.ts';
import { spawnGateway, writeConfig } from '../helpers/process.ts';
import { eventually, Receiver } from '../helpers/receiver.ts';

const stripeSecret = `whsec_${randomBytes(24).toString('hex')}`;

/**
 * Issue 14, item 1: an event type outside Latin-1 (here an emoji, signed by the provider) used to
 * reach undici as an invalid header value. undici refused it locally, the attempt counted as a
 * network failure, and each one leaked a pooled connection, so after 64 nothing reached that
 * host:port any more and shutdown timed out.
 */
describe('hostile event types and the HTTP destination (real gateway process)', () => {
  it('80 events whose type is an emoji, then 20 good ones to the same host:port: all 20 delivered, the 80 too (type encoded), shutdown is clean', async () => {
    const receiver = new Receiver();
    const url = await receiver.listen();
    const dir = tempDir();
    const file = writeConfig(dir, {
      storage: { url: `sqlite:${join(dir, 'hookgate.db')}` },
      delivery: { pollInterval: '200ms' },
      server: { shutdownTimeout: '5s' },
      sources: [{ name: 'stripe', provider: 'stripe', secrets: [stripeSecret] }],
      destinations: [{ name: 'backend', url: `${url}/hooks`, timeoutMs: 2000 }],
      routes: [{ source: 'stripe', destination: 'backend' }],
    });
    const gateway = await spawnGateway(file, dir);
    try {
      const post = async (id: string, typeJson: string) => {
        // The type is written as JSON escapes: the provider signs exactly these bytes.
        const payload = `{"id":"${id}","object":"event","type":"${typeJson}","data":{"object":{}}}`;
        const res = await request(`${gateway.url}/webhooks/stripe`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'stripe-signature': Stripe.webhooks.generateTestHeaderString({
              payload,
              secret: stripeSecret,
            }),
          },
          body: payload,
        });
        assert.equal(res.statusCode, 200, await res.body.text());
      };
      const run = randomBytes(4).toString('hex');
      for (let i = 0; i < 80; i++) await post(`evt_bad_${run}_${i}`, 'x\\ud83d\\ude00');
      for (let i = 0; i < 20; i++) await post(`evt_good_${run}_${i}`, 'invoice.paid');

      const arrived = (type: string) =>
        receiver.at('/hooks').filter((r) => r.headers['x-hookgate-event-type'] === type).length;
      await eventually(() => arrived('invoice.paid') === 20, 20_000);
      // The emoji type travels percent-encoded (UTF-8), so those are delivered as well.
      await eventually(() => arrived(encodeURIComponent('x\ud83d\ude00')) === 80, 20_000);
    } finally {
      gateway.child.kill('SIGTERM');
    }
    assert.equal(await gateway.exited, 0, `shutdown was not clean:\n${gateway.output()}`);
    assert.doesNotMatch(gateway.output(), /shutdown timed out/);
    await receiver.close();
  });
});
