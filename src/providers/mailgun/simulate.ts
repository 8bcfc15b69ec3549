import { createHmac, randomBytes } from 'node:crypto';
import type { Simulator } from '../simulator.ts';

const sampleEvent = {
  'event-data': {
    id: 'CPgfbmQMTCKtHW6uIWtuVe',
    timestamp: 1521472262.908181,
    event: 'delivered',
    recipient: 'alice@example.com',
    'recipient-domain': 'example.com',
    message: { headers: { 'message-id': '20130503182626.18666.16540@mg.example.com' } },
    'delivery-status': { code: 250, message: 'OK' },
  },
};

/**
 * Mailgun puts `{timestamp, token, signature}` into the body, signing `<timestamp><token>`: the
 * simulator replaces any `signature` object of a JSON body (or the sample's) with a fresh one.
 */
export const mailgunSimulator: Simulator = {
  sample: ({ eventId } = {}) =>
    Buffer.from(
      JSON.stringify({
        ...sampleEvent,
        'event-data': {
          ...sampleEvent['event-data'],
          id: eventId ?? randomBytes(11).toString('hex'),
        },
      }),
      'utf8',
    ),
  // Mailgun's token is what identifies a delivery (one per signature).
  sign({ body, secret, now, eventId }) {
    const timestamp = String(Math.floor(now / 1000));
    const token = eventId ?? randomBytes(25).toString('hex');
    const signature = createHmac('sha256', secret)
      .update(timestamp + token)
      .digest('hex');
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const signed = { ...parsed, signature: { timestamp, token, signature } };
      return {
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify(signed), 'utf8'),
      };
    }
    // A form body (legacy webhooks, Routes): the three fields are appended.
    const form = new URLSearchParams(body.toString('utf8'));
    form.set('timestamp', timestamp);
    form.set('token', token);
    form.set('signature', signature);
    return {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.from(form.toString(), 'utf8'),
    };
  },
};
