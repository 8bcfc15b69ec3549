import { createHash } from 'node:crypto';
import { z } from 'zod';
import { safeEqual } from '../../verify/compare.ts';
import { decodeCanonicalBase64 } from '../../verify/canonical-base64.ts';
import { parseForm } from '../../verify/form-urlencoded.ts';
import { anySignatureMatches } from '../../verify/hmac.ts';
import { textAt } from '../../domain/json-path.ts';
import type { Provider, WebhookRequest } from '../../verify/types.ts';
import { candidateUrls, queryOf, signedUrl } from './urls.ts';

const publicUrl = z
  .string()
  .refine((u) => /^https?:\/\/[^/?#]/i.test(u) && URL.canParse(u), 'not an http(s) URL')
  .refine(
    (u) => !u.includes('?') && !u.includes('#'),
    'no query or fragment: the query is taken from each request as received',
  );

const options = z.strictObject({
  /**
   * The source's public URL exactly as Twilio is configured to call it, without query (e.g.
   * `https://hooks.example.com/webhooks/twilio`). Never rebuilt from the Host header.
   */
  url: publicUrl,
});

export type TwilioOptions = z.output<typeof options>;

/**
 * The signed string after the URL: the decoded POST params sorted by name (UTF-16 order, as
 * JavaScript sorts), each name followed by its value; a repeated name contributes its distinct
 * values, sorted, as twilio-node and twilio-python do.
 */
export function paramsString(form: ReadonlyMap<string, readonly string[]>): string {
  let out = '';
  for (const name of [...form.keys()].sort()) {
    const values = form.get(name) ?? [];
    const list = values.length > 1 ? [...new Set(values)].sort() : values;
    for (const value of list) out += name + value;
  }
  return out;
}

/** The `bodySHA256` query parameter (the first one), or undefined: then it is a form webhook. */
function bodyHashParam(request: WebhookRequest): string | undefined {
  return new URLSearchParams(queryOf(request.url)).get('bodySHA256') ?? undefined;
}

const statusFields = [
  ['MessageSid', 'MessageStatus', 'message'],
  ['SmsSid', 'SmsStatus', 'message'],
  ['CallSid', 'CallStatus', 'call'],
] as const;

/**
 * Twilio: `X-Twilio-Signature` = base64 HMAC-SHA1, keyed with the Auth Token, of the URL it
 * called followed by the sorted decoded POST params. JSON webhooks carry `bodySHA256=<hex
 * SHA-256 of the body>` in the URL instead: the URL alone is signed and the body must hash to it.
 * No timestamp: replays are caught by deduplication.
 */
export const twilio: Provider<TwilioOptions> = {
  name: 'twilio',
  defaultToleranceSeconds: 0,
  requiresSecret: true,
  optionsSchema: options,
  credentialHeaders: () => ['x-twilio-signature'],
  verify(request, ctx) {
    const header = request.headers['x-twilio-signature'];
    if (!header) return { ok: false, reason: 'missing X-Twilio-Signature header' };
    const signature = decodeCanonicalBase64(header);
    if (signature.length === 0) return { ok: false, reason: 'X-Twilio-Signature is not base64' };
    const url = signedUrl(ctx.options.url, request.subpath, request.url);
    const bodyHash = bodyHashParam(request);
    let params = '';
    if (bodyHash !== undefined) {
      // Compared as text, like twilio-node: Twilio sends lower-case hex.
      const actual = createHash('sha256').update(request.rawBody).digest('hex');
      if (!safeEqual(Buffer.from(actual), Buffer.from(bodyHash)))
        return { ok: false, reason: 'body does not match bodySHA256' };
    } else {
      params = paramsString(parseForm(request.rawBody));
    }
    const candidates = candidateUrls(url).map((u) => Buffer.from(u + params, 'utf8'));
    for (const data of candidates)
      if (anySignatureMatches('sha1', ctx.secrets, data, [signature])) return { ok: true };
    return { ok: false, reason: `no signature matches for URL ${url}` };
  },
  identify(request) {
    const token = request.headers['i-twilio-idempotency-token'] || undefined;
    if (bodyHashParam(request) !== undefined)
      return { eventId: token, eventType: textAt(request.json(), 'type') };
    const form = parseForm(request.rawBody);
    for (const [sidField, statusField, kind] of statusFields) {
      const sid = form.get(sidField)?.[0];
      const status = form.get(statusField)?.[0];
      if (sid && status) {
        // A sid alone is shared by every status callback of one message or call.
        return { eventId: token ?? `${sid}:${status}`, eventType: `${kind}.${status}` };
      }
    }
    return { eventId: token, eventType: undefined };
  },
};
