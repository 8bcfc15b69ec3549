import { createHmac, randomBytes } from 'node:crypto';
import type { Simulator } from '../simulator.ts';

/** Signs like Slack's Events API: `v0=` HMAC-SHA256 of `v0:<timestamp>:<body>`. */
export const slackSimulator: Simulator = {
  sample({ eventId } = {}) {
    const ts = '1714564800.000200';
    const body = {
      token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl',
      team_id: 'T061EG9R6',
      api_app_id: 'A0PNCHHK2',
      event: {
        type: 'app_mention',
        user: 'U061F7AUR',
        text: '<@U0LAN0Z89> is it everything a river should be?',
        ts,
        channel: 'C0LAN2Q65',
        event_ts: ts,
      },
      type: 'event_callback',
      event_id: eventId ?? 'Ev' + randomBytes(5).toString('hex').toUpperCase(),
      event_time: 1714564800,
    };
    return Buffer.from(JSON.stringify(body), 'utf8');
  },
  sign({ body, secret, now }) {
    const timestamp = String(Math.floor(now / 1000));
    const mac = createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body);
    return {
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': `v0=${mac.digest('hex')}`,
      },
      body,
    };
  },
};
