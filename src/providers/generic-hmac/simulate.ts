import { randomUUID } from 'node:crypto';
import { hmac } from '../../verify/hmac.ts';
import { makeWebhookRequest } from '../../verify/request.ts';
import { compileTemplate } from '../../verify/template.ts';
import type { Simulator } from '../simulator.ts';
import type { GenericHmacOptions } from './provider.ts';

/** Value sent for each `{header:<name>}` the template signs (the simulator cannot know yours). */
const templateHeaderValue = 'hookgate-simulator';

/**
 * Signs with the source's own scheme: the template rendered over the body, the timestamp and id
 * headers it needs, HMAC in the configured algorithm and encoding, after the prefix.
 */
export const genericHmacSimulator: Simulator = {
  sample: ({ eventId } = {}) =>
    Buffer.from(
      JSON.stringify({
        event: 'order.created',
        id: eventId ?? `evt_${randomUUID()}`,
        order: { id: 42, status: 'placed', total: 16.24, currency: 'JOD' },
      }),
      'utf8',
    ),
  sign({ body, secret, now, options, eventId }) {
    const o = options as GenericHmacOptions; // already parsed by the provider's schema
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    for (const m of o.template.matchAll(/\{header:([A-Za-z0-9_-]+)\}/g))
      headers[(m[1] ?? '').toLowerCase()] = templateHeaderValue;
    const timestamp = String(Math.floor(now / 1000));
    const id = eventId ?? `msg_${randomUUID()}`;
    if (o.timestampHeader !== undefined) headers[o.timestampHeader] = timestamp;
    if (o.idHeader !== undefined) headers[o.idHeader] = id;
    const request = makeWebhookRequest({
      method: 'POST',
      url: '/',
      subpath: '',
      headers,
      rawBody: body,
    });
    const parts = compileTemplate(o.template).render(request, { timestamp, id }) ?? [body];
    headers[o.header] = `${o.prefix}${hmac(o.algorithm, secret, parts).toString(o.encoding)}`;
    return { headers, body };
  },
};
