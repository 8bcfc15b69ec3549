import type { Provider } from '../verify/types.ts';
import { apiKey } from './api-key/provider.ts';
import { basicAuth } from './basic-auth/provider.ts';
import { careem } from './careem/provider.ts';
import { discord } from './discord/provider.ts';
import { genericHmac } from './generic-hmac/provider.ts';
import { github } from './github/provider.ts';
import { google } from './google/provider.ts';
import { gitlab } from './gitlab/provider.ts';
import { intercom } from './intercom/provider.ts';
import { linear } from './linear/provider.ts';
import { shopify } from './shopify/provider.ts';
import { slack } from './slack/provider.ts';
import { typeform } from './typeform/provider.ts';
import { mailgun } from './mailgun/provider.ts';
import { none } from './none/provider.ts';
import { paddle } from './paddle/provider.ts';
import { paypal } from './paypal/provider.ts';
import { sendgrid } from './sendgrid/provider.ts';
import { square } from './square/provider.ts';
import { standardWebhooks } from './standard-webhooks/provider.ts';
import { stripe } from './stripe/provider.ts';
import { talabat } from './talabat/provider.ts';
import { twilio } from './twilio/provider.ts';
import { twitchEventSub } from './twitch/provider.ts';
import { woocommerce } from './woocommerce/provider.ts';
import { zoom } from './zoom/provider.ts';

/** Every built-in provider by name. The Provider type is erased here: options are validated per source. */
const all = [
  stripe,
  github,
  standardWebhooks,
  gitlab,
  shopify,
  slack,
  linear,
  typeform,
  intercom,
  twilio,
  square,
  paddle,
  zoom,
  twitchEventSub,
  woocommerce,
  mailgun,
  google,
  paypal,
  sendgrid,
  discord,
  talabat,
  careem,
  genericHmac,
  basicAuth,
  apiKey,
  none,
] as unknown as readonly Provider[];

export const providers: ReadonlyMap<string, Provider> = new Map(all.map((p) => [p.name, p]));

export const providerNames: readonly string[] = [...providers.keys()];

export function getProvider(name: string): Provider | undefined {
  return providers.get(name);
}
