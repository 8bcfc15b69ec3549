import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { Simulator } from '../simulator.ts';
import { parseForm } from '../../verify/form-urlencoded.ts';
import { paramsString, type TwilioOptions } from './provider.ts';

const sample = new URLSearchParams({
  AccountSid: 'AC00000000000000000000000000000000',
  ApiVersion: '2010-04-01',
  From: '+14155550100',
  MessageSid: 'SM00000000000000000000000000000000',
  MessageStatus: 'delivered',
  SmsSid: 'SM00000000000000000000000000000000',
  SmsStatus: 'delivered',
  To: '+14155550111',
}).toString();

/**
 * Twilio signs the URL it calls: the source's configured `url`, plus `?bodySHA256=…` for a JSON
 * body (then the body is hashed, not its params).
 */
export const twilioSimulator: Simulator = {
  sample: () => Buffer.from(sample, 'utf8'),
  sign({ body, secret, options, eventId }) {
    const { url } = options as TwilioOptions;
    const json = /^\s*[[{]/.test(body.toString('utf8'));
    const pathSuffix = json ? `?bodySHA256=${createHash('sha256').update(body).digest('hex')}` : '';
    const data = url + pathSuffix + (json ? '' : paramsString(parseForm(body)));
    const signature = createHmac('sha1', secret).update(data, 'utf8').digest('base64');
    return {
      headers: {
        'content-type': json ? 'application/json' : 'application/x-www-form-urlencoded',
        'x-twilio-signature': signature,
        'i-twilio-idempotency-token': eventId ?? `sim-${randomUUID()}`,
        'user-agent': 'TwilioProxy/1.1',
      },
      body,
      pathSuffix,
    };
  },
};
