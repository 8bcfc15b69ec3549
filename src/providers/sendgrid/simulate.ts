import { createPrivateKey, randomBytes, sign } from 'node:crypto';
import type { Simulator } from '../simulator.ts';

const sampleEvents = [
  {
    email: 'customer@example.com',
    timestamp: 1727784000,
    'smtp-id': '<14c5d75ce93.dfd.64b469@ismtpd-555>',
    event: 'delivered',
    category: ['order-confirmation'],
    sg_event_id: 'ZGVsaXZlcmVkLTAtMjI4NzQ1NjctaG9va2dhdGUtc2ltdWxhdG9y',
    sg_message_id: '14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0',
    response: '250 OK',
    ip: '168.1.1.1',
    tls: 1,
  },
  {
    email: 'customer@example.com',
    timestamp: 1727784060,
    event: 'open',
    sg_event_id: 'b3Blbi0wLTIyODc0NTY3LWhvb2tnYXRlLXNpbXVsYXRvcg',
    sg_message_id: '14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0',
    useragent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)',
    ip: '255.255.255.255',
  },
];

/**
 * A two-event batch, formatted as SendGrid posts it (CRLF after each event), signed with ECDSA
 * P-256 over `<timestamp><body>`; the secret is the PRIVATE key, PEM.
 */
export const sendgridSimulator: Simulator = {
  privateKey: "the PEM P-256 private key whose public key is the source's secret",
  // A batch has no id: it is known by its body, which carries the event id in its events'.
  sample: ({ eventId = randomBytes(12).toString('base64url') } = {}) =>
    Buffer.from(
      JSON.stringify(sampleEvents.map((e, i) => ({ ...e, sg_event_id: `${eventId}-${i}` })))
        .split('},{')
        .join('},\r\n{') + '\r\n',
      'utf8',
    ),
  sign({ body, secret, now }) {
    const timestamp = String(Math.floor(now / 1000));
    const signature = sign(
      'sha256',
      Buffer.concat([Buffer.from(timestamp), body]),
      createPrivateKey(secret),
    );
    return {
      headers: {
        'content-type': 'application/json',
        'x-twilio-email-event-webhook-signature': signature.toString('base64'),
        'x-twilio-email-event-webhook-timestamp': timestamp,
      },
      body,
    };
  },
};
