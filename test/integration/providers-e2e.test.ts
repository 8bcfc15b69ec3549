import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { stringify } from 'yaml';
import { systemClock } from '../../src/domain/clock.ts';
import { getProvider } from '../../src/providers/index.ts';
import { simulators } from '../../src/providers/simulators.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { startPayPalCertHost, type PayPalCertHost } from '../helpers/pki.ts';
import { providerSources, type ProviderSource } from '../helpers/provider-sources.ts';
import { tempDir } from '../helpers/gateway.ts';

const adminToken = randomBytes(16).toString('hex');

/**
 * The headers each platform authenticates a webhook with, from the platforms' documentation:
 * written here apart from the provider folders' declarations, which must cover them.
 */
const documentedCredentials: Record<string, readonly string[]> = {
  stripe: ['stripe-signature'],
  github: ['x-hub-signature-256', 'x-hub-signature'],
  'standard-webhooks': ['webhook-signature'],
  gitlab: ['x-gitlab-token'],
  shopify: ['x-shopify-hmac-sha256'],
  slack: ['x-slack-signature'],
  linear: ['linear-signature'],
  typeform: ['typeform-signature'],
  intercom: ['x-hub-signature'],
  twilio: ['x-twilio-signature'],
  square: ['x-square-hmacsha256-signature'],
  paddle: ['paddle-signature'],
  zoom: ['x-zm-signature'],
  twitch: ['twitch-eventsub-message-signature'],
  woocommerce: ['x-wc-webhook-signature'],
  mailgun: [],
  google: ['x-goog-channel-token'],
  paypal: ['paypal-transmission-sig'],
  sendgrid: ['x-twilio-email-event-webhook-signature'],
  discord: ['x-signature-ed25519'],
  talabat: ['authorization'],
  careem: ['x-careem-signature'],
  'generic-hmac': ['x-signature'],
  'basic-auth': ['authorization'],
  'api-key': ['x-api-key'],
  none: [],
};

interface Sent {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly eventId: string;
}

/**
 * Every provider as a user meets it: a YAML config file's text through the real loader, a
 * gateway listening on a port, and a request signed by the provider's simulator exactly as the
 * platform signs (PayPal: a certificate from a local CA on an HTTPS certificate host).
 */
describe('every provider, end to end', () => {
  let paypal: PayPalCertHost;
  let sources: ProviderSource[];
  let gw: TestGateway;
  let base: string;
  const sent = new Map<string, Sent>();

  before(async () => {
    paypal = await startPayPalCertHost();
    sources = providerSources(tempDir(), paypal);
    const yaml = stringify({
      admin: { token: '${ADMIN_TOKEN}' },
      delivery: { enabled: false },
      sources: sources.map((s) => s.source),
    });
    gw = await startTestGateway(yaml, { ADMIN_TOKEN: adminToken }, systemClock);
    base = await gw.app.http.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await (gw as TestGateway | undefined)?.close();
    await paypal?.close();
  });

  it('covers all 26 providers', () => {
    assert.equal(sources.length, 26);
    assert.deepEqual(
      Object.keys(documentedCredentials).sort(),
      sources.map((s) => s.source.provider).sort(),
    );
  });

  /** Signs the provider's sample (with `eventId`, if given) as the platform does and posts it. */
  async function post(source: ProviderSource, eventId?: string): Promise<Sent> {
    const simulator = simulators.get(source.source.provider);
    assert.ok(simulator, source.source.provider);
    const options = gw.loaded.config.sources.find((s) => s.name === source.source.name)?.options;
    const target = `${base}/webhooks/${source.source.name}`;
    const signed = simulator.sign({
      body: simulator.sample({ eventId }),
      secret: source.signingSecret,
      now: Date.now(),
      options,
      url: target,
      eventId,
    });
    const res = await request(`${target}${signed.pathSuffix ?? ''}`, {
      method: (signed.method ?? 'POST') as 'POST',
      headers: { ...signed.headers },
      body: signed.body,
    });
    const text = await res.body.text();
    assert.equal(res.statusCode, 200, `${source.source.provider}: ${text}`);
    const answer = JSON.parse(text) as {
      data?: { eventId?: string };
      remoteResponse?: { remoteOrderId?: string };
    };
    // Talabat's dispatch is answered in Delivery Hero's own shape, with Hookgate's id.
    const stored = answer.data?.eventId ?? answer.remoteResponse?.remoteOrderId;
    assert.ok(stored, `${source.source.provider}: ${text}`);
    return { headers: signed.headers, body: signed.body, eventId: stored };
  }

  it('answers a correctly signed webhook of each provider 200 and stores it', async () => {
    for (const source of sources) {
      const posted = await post(source);
      const stored = await gw.store.eventGet({ id: posted.eventId });
      assert.ok(stored, source.source.provider);
      assert.equal(stored.source, source.source.name);
      assert.deepEqual(stored.body, posted.body, source.source.provider);
      sent.set(source.source.provider, posted);
    }
    assert.equal(sent.size, 26);
  });

  it('makes each simulated webhook a new event, and one with the same event id the same event (every provider)', async () => {
    for (const source of sources) {
      const provider = source.source.provider;
      const [a, b] = [await post(source), await post(source)];
      assert.notEqual(a.eventId, b.eventId, `${provider}: two sends were one event`);
      const id = `hookgate-${provider}-${randomBytes(4).toString('hex')}`;
      const [c, d] = [await post(source, id), await post(source, id)];
      assert.equal(c.eventId, d.eventId, `${provider}: the same id twice was two events`);
    }
  });

  it("never stores nor shows a provider's signature or credential headers (GET /admin/events/:id)", async () => {
    assert.equal(sent.size, 26, 'the test above sent one event per provider');
    for (const { source } of sources) {
      const { headers, eventId } = sent.get(source.provider) as Sent;
      const provider = getProvider(source.provider);
      assert.ok(provider);
      const options = gw.loaded.config.sources.find((s) => s.name === source.name)?.options;
      const declared = provider.credentialHeaders(options);
      for (const name of documentedCredentials[source.provider] ?? [])
        assert.ok(declared.includes(name), `${source.provider} declares ${name}`);
      const res = await gw.app.http.inject({
        method: 'GET',
        url: `/admin/events/${eventId}`,
        headers: { authorization: `Bearer ${adminToken}` },
      });
      assert.equal(res.statusCode, 200, res.body);
      const shown = (res.json() as { data: { headers: Record<string, string> } }).data.headers;
      const stored = (await gw.store.eventGet({ id: eventId }))?.headers ?? {};
      const sentCredentials = Object.keys(headers).filter((h) =>
        declared.includes(h.toLowerCase()),
      );
      if (documentedCredentials[source.provider]?.length)
        assert.ok(sentCredentials.length > 0, `${source.provider} sent a credential header`);
      for (const name of sentCredentials) {
        const lower = name.toLowerCase();
        assert.equal(shown[lower], '[redacted]', `${source.provider}: ${lower} shown`);
        assert.equal(stored[lower], '[redacted]', `${source.provider}: ${lower} stored`);
        const value = headers[name] ?? '';
        assert.ok(!res.body.includes(value), `${source.provider}: ${lower}'s value in the answer`);
        assert.ok(
          !JSON.stringify(stored).includes(value),
          `${source.provider}: ${lower}'s value stored`,
        );
      }
      // What is not a credential is kept for operators.
      const kept = Object.keys(headers).filter(
        (h) => !declared.includes(h.toLowerCase()) && !/signature|token|authorization/i.test(h),
      );
      for (const name of kept)
        assert.equal(shown[name.toLowerCase()], headers[name], `${source.provider}: ${name}`);
    }
  });
});
