import { createHmac, randomUUID } from 'node:crypto';
import type { Simulator } from '../simulator.ts';

/** RFC 3339 with nanoseconds, as Twitch writes it. */
function twitchTimestamp(now: number): string {
  return new Date(now).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

/** Twitch signs `<message id><timestamp><body>`. */
export const twitchSimulator: Simulator = {
  sample: () =>
    Buffer.from(
      JSON.stringify({
        subscription: {
          id: 'f1c2a387-161a-49f9-a165-0f21d7a4e1c4',
          status: 'enabled',
          type: 'channel.follow',
          version: '2',
          cost: 0,
          condition: { broadcaster_user_id: '1337', moderator_user_id: '1337' },
          transport: { method: 'webhook', callback: 'https://example.com/webhooks/twitch' },
          created_at: '2019-11-16T10:11:12.634234626Z',
        },
        event: {
          user_id: '1234',
          user_login: 'cool_user',
          user_name: 'Cool_User',
          broadcaster_user_id: '1337',
          broadcaster_user_login: 'cooler_user',
          broadcaster_user_name: 'Cooler_User',
          followed_at: '2020-07-15T18:16:11.17106713Z',
        },
      }),
      'utf8',
    ),
  sign({ body, secret, now, eventId }) {
    const id = eventId ?? randomUUID();
    const timestamp = twitchTimestamp(now);
    const mac = createHmac('sha256', secret)
      .update(id + timestamp, 'utf8')
      .update(body);
    let type = 'channel.follow';
    try {
      type =
        (JSON.parse(body.toString('utf8')) as { subscription?: { type?: string } }).subscription
          ?.type ?? type;
    } catch {
      // not JSON: keep the sample's type
    }
    return {
      headers: {
        'content-type': 'application/json',
        'twitch-eventsub-message-id': id,
        'twitch-eventsub-message-retry': '0',
        'twitch-eventsub-message-type': 'notification',
        'twitch-eventsub-message-signature': `sha256=${mac.digest('hex')}`,
        'twitch-eventsub-message-timestamp': timestamp,
        'twitch-eventsub-subscription-type': type,
        'twitch-eventsub-subscription-version': '2',
      },
      body,
    };
  },
};
