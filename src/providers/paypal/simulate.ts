import { createPrivateKey, randomBytes, randomUUID, sign } from 'node:crypto';
import type { Simulator } from '../simulator.ts';
import { paypalSignedMessage, type PayPalOptions } from './provider.ts';

const sampleEvent = {
  id: 'WH-58D329510W468432D-8HN650336L201105X',
  event_version: '1.0',
  create_time: '2025-10-01T12:00:05.123Z',
  resource_type: 'capture',
  resource_version: '2.0',
  event_type: 'PAYMENT.CAPTURE.COMPLETED',
  summary: 'Payment completed for $ 16.24 USD',
  resource: {
    id: '42311647XV020574X',
    status: 'COMPLETED',
    amount: { currency_code: 'USD', value: '16.24' },
    final_capture: true,
    seller_protection: { status: 'ELIGIBLE', dispute_categories: ['ITEM_NOT_RECEIVED'] },
    seller_receivable_breakdown: {
      gross_amount: { currency_code: 'USD', value: '16.24' },
      paypal_fee: { currency_code: 'USD', value: '0.86' },
      net_amount: { currency_code: 'USD', value: '15.38' },
    },
    invoice_id: 'ORD-001',
    create_time: '2025-10-01T12:00:01Z',
    update_time: '2025-10-01T12:00:01Z',
    links: [
      {
        href: 'https://api.sandbox.paypal.com/v2/payments/captures/42311647XV020574X',
        rel: 'self',
        method: 'GET',
      },
    ],
  },
  links: [
    {
      href: 'https://api.sandbox.paypal.com/v1/notifications/webhooks-events/WH-58D329510W468432D-8HN650336L201105X',
      rel: 'self',
      method: 'GET',
    },
  ],
};

/**
 * Signs like PayPal with the given RSA PRIVATE key (PEM). PAYPAL-CERT-URL points to
 * `https://<first certHost><certPathPrefix>CERT-hookgate-simulator`: for a run end to end, serve
 * the matching certificate there (from a CA in caCertificates); PayPal's own hosts cannot.
 */
export const paypalSimulator: Simulator = {
  privateKey:
    'the PEM private key of the signing certificate that your certificate host serves (certHosts)',
  sample: ({ eventId } = {}) =>
    Buffer.from(
      JSON.stringify({
        ...sampleEvent,
        id: eventId ?? `WH-${randomBytes(12).toString('hex').toUpperCase()}`,
      }),
      'utf8',
    ),
  sign({ body, secret, now, options }) {
    const o = options as PayPalOptions; // already parsed by the provider's schema
    const id = randomUUID();
    const time = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z');
    const message = paypalSignedMessage({ id, time }, o.webhookIds[0] ?? '', body);
    const signature = sign('sha256', message, createPrivateKey(secret));
    return {
      headers: {
        'content-type': 'application/json',
        'paypal-transmission-id': id,
        'paypal-transmission-time': time,
        'paypal-transmission-sig': signature.toString('base64'),
        'paypal-cert-url': `https://${o.certHosts[0]}${o.certPathPrefix}CERT-hookgate-simulator`,
        'paypal-auth-algo': 'SHA256withRSA',
        'paypal-auth-version': 'v2',
      },
      body,
    };
  },
};
