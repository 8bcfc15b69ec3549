import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { sign } from '@octokit/webhooks-methods';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

interface ExampleEvent {
  readonly name: string;
  readonly examples: readonly Record<string, unknown>[];
}

// The package is data only: its index.json is every github.com event with real example payloads.
const examples = createRequire(import.meta.url)(
  '@octokit/webhooks-examples/api.github.com/index.json',
) as readonly ExampleEvent[];
const secret = randomBytes(20).toString('hex');

describe('GitHub: every example payload of @octokit/webhooks-examples through the HTTP ingress', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway({
      sources: [{ name: 'github', provider: 'github', secrets: [secret] }],
    });
  });
  after(() => gw.close());

  it('stores each with its delivery id as event id and `<event>.<action>` as type', async () => {
    let sent = 0;
    for (const event of examples) {
      for (const payload of event.examples) {
        const body = JSON.stringify(payload);
        const delivery = randomUUID();
        const res = await gw.app.http.inject({
          method: 'POST',
          url: '/webhooks/github',
          payload: body,
          headers: {
            'content-type': 'application/json',
            'x-github-event': event.name,
            'x-github-delivery': delivery,
            'x-hub-signature-256': await sign(secret, body),
          },
        });
        assert.equal(res.statusCode, 200, `${event.name}: ${res.body}`);
        const stored = await gw.store.eventGet({ id: res.json().data.eventId });
        assert.equal(stored?.providerEventId, delivery);
        const action = typeof payload.action === 'string' ? `.${payload.action}` : '';
        assert.equal(stored?.eventType, `${event.name}${action}`);
        assert.ok(stored?.body.equals(Buffer.from(body)), 'body kept byte for byte');
        sent += 1;
      }
    }
    assert.ok(sent > 300, `only ${sent} examples`);
  });
});
