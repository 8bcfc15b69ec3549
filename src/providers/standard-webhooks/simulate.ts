import { createHmac, createPrivateKey, randomBytes, sign } from 'node:crypto';
import type { Simulator } from '../simulator.ts';
import { standardWebhooksKey } from './signature.ts';

/**
 * Signs like a Standard Webhooks sender: `v1` (HMAC-SHA256) with a `whsec_` secret, or `v1a`
 * (Ed25519) when the secret given is the PEM private key matching a configured `whpk_` key.
 */
export const standardWebhooksSimulator: Simulator = {
  sample() {
    const body = {
      type: 'invoice.paid',
      timestamp: '2024-05-01T12:00:00.000Z',
      data: { id: 'inv_2KWPBgLlAfxdpx2AI54pPJ85f1W', amount: 4200, currency: 'EUR' },
    };
    return Buffer.from(JSON.stringify(body), 'utf8');
  },
  sign({ body, secret, now, eventId }) {
    const id = eventId ?? 'msg_' + randomBytes(12).toString('hex');
    const timestamp = String(Math.floor(now / 1000));
    const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), body]);
    let signature: string;
    if (secret.includes('-----BEGIN')) {
      signature = 'v1a,' + sign(null, signed, createPrivateKey(secret)).toString('base64');
    } else {
      const key = standardWebhooksKey(secret);
      if (key === undefined) throw new Error('the secret is not whsec_<base64> nor a PEM key');
      signature = 'v1,' + createHmac('sha256', key).update(signed).digest('base64');
    }
    return {
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': timestamp,
        'webhook-signature': signature,
      },
      body,
    };
  },
};
