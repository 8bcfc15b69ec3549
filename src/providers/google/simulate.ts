import { randomInt } from 'node:crypto';
import type { Simulator } from '../simulator.ts';
import type { GoogleOptions } from './provider.ts';

/** The channel the simulator watches when the source names none (a channel's messages are numbered). */
const simulatorChannel = 'hookgate-simulator-channel';

/** A Drive `files.watch` change notification: an empty body, everything in headers. */
export const googleSimulator: Simulator = {
  sample: () => Buffer.alloc(0),
  sign({ body, secret, now, options, eventId }) {
    const { channelIds } = options as GoogleOptions;
    return {
      headers: {
        'x-goog-channel-id': channelIds[0] ?? simulatorChannel,
        'x-goog-channel-token': secret,
        'x-goog-channel-expiration': new Date(now + 3_600_000).toUTCString(),
        // With the channel id, the message number names one notification.
        'x-goog-message-number': eventId ?? String(randomInt(1, 2 ** 47)),
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
