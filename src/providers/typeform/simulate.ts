import { createHmac, randomBytes } from 'node:crypto';
import type { Simulator } from '../simulator.ts';

/** Signs like Typeform: `Typeform-Signature: sha256=<base64 HMAC-SHA256 of the body>`. */
export const typeformSimulator: Simulator = {
  sample({ eventId } = {}) {
    const body = {
      event_id: eventId ?? '01' + randomBytes(12).toString('hex').toUpperCase(),
      event_type: 'form_response',
      form_response: {
        form_id: 'lT4Z3j',
        token: 'a3a12ec67a1365927098a606107fac15',
        submitted_at: '2024-05-01T12:00:00Z',
        landed_at: '2024-05-01T11:58:41Z',
        definition: {
          id: 'lT4Z3j',
          title: 'Webhooks example',
          fields: [
            { id: 'DlXFaesGBpoF', ref: 'name', type: 'short_text', title: 'What is your name?' },
          ],
        },
        answers: [
          {
            type: 'text',
            text: 'Lian',
            field: { id: 'DlXFaesGBpoF', type: 'short_text', ref: 'name' },
          },
        ],
      },
    };
    return Buffer.from(JSON.stringify(body), 'utf8');
  },
  sign({ body, secret }) {
    return {
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Typeform Webhooks',
        'typeform-signature':
          'sha256=' + createHmac('sha256', secret).update(body).digest('base64'),
      },
      body,
    };
  },
};
