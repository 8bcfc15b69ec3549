import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import Stripe from 'stripe';
import { request } from 'undici';
import { engineSkipReason, storageUrl, tempDir, testEngines } from '../helpers/gateway.ts';
import { testSchema } from '../helpers/postgres.ts';
import { adminCall, spawnGateway, writeConfig } from '../helpers/process.ts';
import { eventually, Receiver } from '../helpers/receiver.ts';

const stripeSecret = `whsec_${randomBytes(24).toString('hex')}`;
const adminToken = randomBytes(16).toString('hex');

/**
 * "\u0000" is valid JSON, so a signed body can carry NUL in the fields Hookgate stores as text
 * (the event type, the provider's event id). A PostgreSQL text cannot hold NUL: one such event
 * used to fail the whole group-committed batch, answering 503 for every event in it. Stored as
 * U+FFFD (the body's bytes unchanged), the event and its batch are stored and delivered.
 */
for (const engine of testEngines) {
  describe(
    `NUL in a signed event's text fields (${engine}, real gateway process)`,
    { skip: await engineSkipReason(engine) },
    () => {
      const schema = engine === 'postgres' ? testSchema() : undefined;
      after(() => schema?.drop());

      it('an event whose type and id hold NUL is answered 200 and delivered, and so is the rest of its batch', async () => {
        const receiver = new Receiver();
        const url = await receiver.listen();
        const dir = tempDir();
        const file = writeConfig(dir, {
          storage: { url: storageUrl(schema, dir) },
          admin: { token: adminToken },
          delivery: { pollInterval: '200ms' },
          sources: [{ name: 'stripe', provider: 'stripe', secrets: [stripeSecret] }],
          destinations: [{ name: 'backend', url: `${url}/hooks`, timeoutMs: 2000 }],
          routes: [{ source: 'stripe', destination: 'backend' }],
        });
        const gateway = await spawnGateway(file, dir);
        try {
          const run = randomBytes(4).toString('hex');
          const post = async (idJson: string, typeJson: string) => {
            // Written as JSON escapes: the provider signs exactly these bytes.
            const payload = `{"id":"${idJson}","object":"event","type":"${typeJson}","data":{"object":{}}}`;
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
            return { status: res.statusCode, text: await res.body.text(), payload };
          };
          // Sent at once, so the hostile one shares its group commit with good ones.
          const answers = await Promise.all([
            post(`evt_nul_${run}\\u0000x`, 'invoice.\\u0000paid'),
            ...Array.from({ length: 20 }, (_, i) => post(`evt_ok_${run}_${i}`, 'invoice.paid')),
          ]);
          for (const a of answers) assert.equal(a.status, 200, a.text);

          await eventually(() => receiver.at('/hooks').length === 21, 20_000);
          const hostile = receiver
            .at('/hooks')
            .find((r) => r.body.toString().includes(`evt_nul_${run}`));
          // The body is delivered exactly as signed: the JSON escape is still there.
          assert.equal(hostile?.body.toString(), answers[0]?.payload);
          // The type as stored: NUL became U+FFFD (UTF-8, percent-encoded in the header).
          assert.equal(
            hostile?.headers['x-hookgate-event-type'],
            encodeURIComponent('invoice.\ufffdpaid'),
          );
          // An operator's URL holding %00 finds nothing (404), as on every engine: never a 500.
          for (const path of [
            '/admin/events/evt_%00',
            '/admin/deliveries/dlv_%00',
            '/admin/jobs/job_%00',
          ]) {
            const res = await adminCall(gateway, adminToken, 'GET', path);
            assert.equal(res.status, 404, `${path}: ${JSON.stringify(res.json)}`);
          }
        } finally {
          gateway.child.kill('SIGTERM');
        }
        assert.equal(await gateway.exited, 0, gateway.output());
        await receiver.close();
      });
    },
  );
}
