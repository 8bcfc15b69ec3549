import { randomUUID } from 'node:crypto';
import type { Simulator } from '../simulator.ts';
import type { GoogleOptions } from './provider.ts';

/** A Drive `files.watch` change notification: an empty body, everything in headers. */
export const googleSimulator: Simulator = {
  sample: () => Buffer.alloc(0),
  sign({ body, secret, now, options }) {
    const { channelIds } = options as GoogleOptions;
    return {
      headers: {
        'x-goog-channel-id': channelIds[0] ?? randomUUID(),
        'x-goog-channel-token': secret,
        'x-goog-channel-expiration': new Date(now + 3_600_000).toUTCString(),
        'x-goog-message-number': String(Math.floor(now / 1000)),
        'x-goog-resource-id': 'ret08u3rv24htgh289g',
        'x-goog-resource-state': 'update',
        'x-goog-resource-uri':
          'https://www.googleapis.com/drive/v3/files/1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms?alt=json',
        'x-goog-changed': 'content',
      },
      body,
    };
  },
};
