import { createPrivateKey, randomInt, sign } from 'node:crypto';
import type { Simulator } from '../simulator.ts';

/** A new snowflake-like id (Discord's ids are 64-bit numbers in text). */
const snowflake = () => `13${String(randomInt(1e9, 1e10 - 1))}${String(randomInt(1e6, 1e7 - 1))}`;

/** A slash-command interaction as Discord sends it (ids are snowflakes; the token is fake). */
const sampleInteraction = {
  app_permissions: '562949953601536',
  application_id: '1280394745937956905',
  authorizing_integration_owners: { '0': '1280394745937956910' },
  channel_id: '1280394746416107562',
  context: 0,
  data: { id: '1280395108107096064', name: 'order', type: 1, options: [] },
  entitlements: [],
  guild_id: '1280394745937956910',
  guild_locale: 'en-US',
  id: '1301483127581724682',
  locale: 'en-US',
  member: {
    user: { id: '53908232506183680', username: 'mason', global_name: 'Mason', discriminator: '0' },
    roles: [],
    permissions: '2248473465835073',
  },
  token: 'aW50ZXJhY3Rpb246MTMwMTQ4MzEyNzU4MTcyNDY4MjpzaW11bGF0ZWQ',
  type: 2,
  version: 1,
};

/** Signs `<timestamp><body>` with Ed25519; the secret is the app's PRIVATE key, PEM. */
export const discordSimulator: Simulator = {
  privateKey:
    "the PEM Ed25519 private key of the application whose public key is the source's secret",
  sample: ({ eventId } = {}) =>
    Buffer.from(JSON.stringify({ ...sampleInteraction, id: eventId ?? snowflake() }), 'utf8'),
  sign({ body, secret, now }) {
    const timestamp = String(Math.floor(now / 1000));
    const key = createPrivateKey(secret);
    const signature = sign(null, Buffer.concat([Buffer.from(timestamp), body]), key);
    return {
      headers: {
        'content-type': 'application/json',
        'x-signature-ed25519': signature.toString('hex'),
        'x-signature-timestamp': timestamp,
      },
      body,
    };
  },
};
