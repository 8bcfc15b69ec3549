import { hmac } from '../verify/hmac.ts';

// Strict base64 with padding, like the spec's libraries' decoder; Node's own would accept anything.
const strictBase64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict base64 → bytes, undefined when it is not (or is empty). */
export const decodeStrict = (text: string): Buffer | undefined =>
  text !== '' && strictBase64.test(text) ? Buffer.from(text, 'base64') : undefined;

/**
 * `whsec_<base64>` → the key bytes. A secret without the prefix is base64 too, as the spec's
 * libraries read it. Undefined when it is not valid base64 (it could never match); `whpk_`
 * public keys and `whsk_` private keys are never valid here (`_` is not base64).
 */
export function standardWebhooksKey(secret: string): Buffer | undefined {
  return decodeStrict(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret);
}

/**
 * Outbound Standard Webhooks signing: `webhook-signature: v1,<base64 HMAC-SHA256 of
 * "<id>.<timestamp>.<body>">` with the destination's `whsec_` secret. Receivers verify it with
 * the spec's libraries (test/integration/delivery.test.ts checks with `standardwebhooks`).
 */
export class StandardWebhooksSigner {
  private readonly key: Buffer;

  constructor(secret: string) {
    const key = standardWebhooksKey(secret);
    if (key === undefined) throw new Error('a Standard Webhooks secret must be whsec_<base64>');
    this.key = key;
  }

  /** The `webhook-signature` value for one message. */
  sign(id: string, timestamp: string, body: Buffer): string {
    const signature = hmac('sha256', this.key, [Buffer.from(`${id}.${timestamp}.`), body]);
    return `v1,${signature.toString('base64')}`;
  }
}
