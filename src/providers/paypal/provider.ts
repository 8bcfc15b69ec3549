import { verify as verifySignature, type X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { decodeSignature } from '../../verify/compare.ts';
import { textAt } from '../../domain/json-path.ts';
import type { Provider, VerifyContext, WebhookRequest } from '../../verify/types.ts';
import { CertificateStore, parsePemCertificates, systemAnchors } from './certificates.ts';
import { crc32 } from './crc32.ts';

const nonEmpty = z.string().min(1);

const options = z
  .strictObject({
    /** The webhook's id in the PayPal dashboard; several while replacing a webhook. */
    webhookId: z.union([nonEmpty, z.array(nonEmpty).min(1)]),
    /** Hosts (with `:port` if not 443) the PAYPAL-CERT-URL may point to. */
    certHosts: z.array(nonEmpty).min(1).default(['api.paypal.com', 'api.sandbox.paypal.com']),
    /** The certificate URL's path must start with this. */
    certPathPrefix: z.string().startsWith('/').default('/v1/notifications/certs/'),
    /** Allowed subject CNs of the signing certificate. */
    certCommonNames: z
      .array(nonEmpty)
      .min(1)
      .default([
        'messageverificationcerts.paypal.com',
        'messageverificationcerts.sandbox.paypal.com',
      ]),
    /** PEM CA certificates: the only trust anchors for the signing certificate when set. */
    caCertificates: z.string().min(1).optional(),
  })
  .transform((o, ctx) => {
    if (o.caCertificates !== undefined) {
      let anchors: X509Certificate[];
      try {
        anchors = parsePemCertificates(o.caCertificates);
      } catch (err) {
        ctx.addIssue({ code: 'custom', path: ['caCertificates'], message: (err as Error).message });
        return z.NEVER;
      }
      if (anchors.length === 0) {
        ctx.addIssue({ code: 'custom', path: ['caCertificates'], message: 'no PEM certificate' });
        return z.NEVER;
      }
    }
    return {
      webhookIds: Array.isArray(o.webhookId) ? o.webhookId : [o.webhookId],
      certHosts: o.certHosts.map((h) => h.toLowerCase()),
      certPathPrefix: o.certPathPrefix,
      certCommonNames: o.certCommonNames,
      caCertificates: o.caCertificates,
    };
  });

export type PayPalOptions = z.output<typeof options>;

/** Per source: the certificate cache, with the trust policy its options describe. */
export interface PayPalRuntime {
  readonly certificates: CertificateStore;
}

function paypalRuntime(o: PayPalOptions): PayPalRuntime {
  const configured =
    o.caCertificates === undefined ? undefined : parsePemCertificates(o.caCertificates);
  return {
    certificates: new CertificateStore({
      commonNames: o.certCommonNames,
      anchors: () => configured ?? systemAnchors(),
      tlsCa: o.caCertificates === undefined ? [] : [o.caCertificates],
    }),
  };
}

interface Transmission {
  readonly id: string;
  readonly time: string;
  readonly signature: string;
  readonly certUrl: string;
  readonly algorithm: string | undefined;
}

function transmission(request: WebhookRequest): Transmission | undefined {
  const h = request.headers;
  const id = h['paypal-transmission-id'];
  const time = h['paypal-transmission-time'];
  const signature = h['paypal-transmission-sig'];
  const certUrl = h['paypal-cert-url'];
  if (!id || !time || !signature || !certUrl) return undefined;
  return { id, time, signature, certUrl, algorithm: h['paypal-auth-algo'] };
}

/** Why the certificate URL is not one to download, or undefined when it is acceptable. */
export function certUrlProblem(url: string, o: PayPalOptions): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'PAYPAL-CERT-URL is not a URL';
  }
  if (parsed.protocol !== 'https:') return 'PAYPAL-CERT-URL is not https';
  if (parsed.username !== '' || parsed.password !== '') return 'PAYPAL-CERT-URL has credentials';
  if (!o.certHosts.includes(parsed.host.toLowerCase()))
    return `PAYPAL-CERT-URL host ${parsed.host} is not allowed`;
  if (!parsed.pathname.startsWith(o.certPathPrefix))
    return `PAYPAL-CERT-URL path is not under ${o.certPathPrefix}`;
  return undefined;
}

/** `<transmission id>|<transmission time>|<webhook id>|<CRC32 of the raw body, unsigned>`. */
export function paypalSignedMessage(
  t: { id: string; time: string },
  webhookId: string,
  body: Buffer,
): Buffer {
  return Buffer.from(`${t.id}|${t.time}|${webhookId}|${crc32(body)}`, 'utf8');
}

/**
 * PayPal REST webhooks, verified locally: RSA PKCS#1 v1.5 SHA-256 (PAYPAL-AUTH-ALGO
 * `SHA256withRSA`) over `id|time|webhookId|crc32(body)`, with the key of the certificate at
 * PAYPAL-CERT-URL. `prepare` downloads that certificate (https, allowlisted host and path only)
 * and checks its CN, dates and chain; `verify` reads the cache. There is no shared secret: the
 * `secrets` list is not used. PayPal documents no replay window: the transmission time is
 * checked only when the source sets toleranceSeconds (0, the default, means not checked).
 */
export const paypal: Provider<PayPalOptions, PayPalRuntime> = {
  name: 'paypal',
  defaultToleranceSeconds: 0,
  requiresSecret: false,
  optionsSchema: options,
  credentialHeaders: () => ['paypal-transmission-sig'],
  runtime: paypalRuntime,
  async prepare(request, ctx: VerifyContext<PayPalOptions, PayPalRuntime>) {
    const t = transmission(request);
    if (t === undefined || certUrlProblem(t.certUrl, ctx.options) !== undefined) return;
    await ctx.runtime.certificates.load(t.certUrl, ctx.now);
  },
  verify(request, ctx) {
    const o = ctx.options;
    const t = transmission(request);
    if (t === undefined)
      return {
        ok: false,
        reason:
          'missing PAYPAL-TRANSMISSION-ID, -TRANSMISSION-TIME, -TRANSMISSION-SIG or PAYPAL-CERT-URL',
      };
    if (t.algorithm !== undefined && t.algorithm !== 'SHA256withRSA')
      return { ok: false, reason: `PAYPAL-AUTH-ALGO ${t.algorithm} is not SHA256withRSA` };
    const urlProblem = certUrlProblem(t.certUrl, o);
    if (urlProblem !== undefined) return { ok: false, reason: urlProblem };
    if (ctx.toleranceSeconds > 0) {
      const sent = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(t.time)
        ? Date.parse(t.time)
        : NaN;
      if (Number.isNaN(sent)) return { ok: false, reason: 'malformed PAYPAL-TRANSMISSION-TIME' };
      if (Math.abs(ctx.now - sent) > ctx.toleranceSeconds * 1000)
        return { ok: false, reason: 'transmission time outside tolerance' };
    }
    const signature = decodeSignature(t.signature, 'base64');
    if (signature.length === 0)
      return { ok: false, reason: 'PAYPAL-TRANSMISSION-SIG is not base64' };
    const cert = ctx.runtime.certificates.get(t.certUrl, ctx.now);
    if (cert === undefined) return { ok: false, reason: 'signing certificate not loaded' };
    if (!cert.ok) return { ok: false, reason: cert.reason };
    if (ctx.now > cert.notAfter) return { ok: false, reason: 'signing certificate expired' };
    let matched = false;
    for (const webhookId of o.webhookIds) {
      const message = paypalSignedMessage(t, webhookId, request.rawBody);
      if (verifySignature('sha256', message, cert.key, signature)) matched = true;
    }
    return matched
      ? { ok: true }
      : { ok: false, reason: 'signature does not verify for the configured webhook id' };
  },
  identify(request) {
    const body = request.json();
    return { eventId: textAt(body, 'id'), eventType: textAt(body, 'event_type') };
  },
};
