import { apiKeySimulator } from './api-key/simulate.ts';
import { basicAuthSimulator } from './basic-auth/simulate.ts';
import { careemSimulator } from './careem/simulate.ts';
import { discordSimulator } from './discord/simulate.ts';
import { genericHmacSimulator } from './generic-hmac/simulate.ts';
import { githubSimulator } from './github/simulate.ts';
import { gitlabSimulator } from './gitlab/simulate.ts';
import { googleSimulator } from './google/simulate.ts';
import { intercomSimulator } from './intercom/simulate.ts';
import { linearSimulator } from './linear/simulate.ts';
import { mailgunSimulator } from './mailgun/simulate.ts';
import { noneSimulator } from './none/simulate.ts';
import { paddleSimulator } from './paddle/simulate.ts';
import { paypalSimulator } from './paypal/simulate.ts';
import { sendgridSimulator } from './sendgrid/simulate.ts';
import type { Simulator } from './simulator.ts';
import { shopifySimulator } from './shopify/simulate.ts';
import { slackSimulator } from './slack/simulate.ts';
import { squareSimulator } from './square/simulate.ts';
import { standardWebhooksSimulator } from './standard-webhooks/simulate.ts';
import { stripeSimulator } from './stripe/simulate.ts';
import { talabatSimulator } from './talabat/simulate.ts';
import { twilioSimulator } from './twilio/simulate.ts';
import { twitchSimulator } from './twitch/simulate.ts';
import { typeformSimulator } from './typeform/simulate.ts';
import { woocommerceSimulator } from './woocommerce/simulate.ts';
import { zoomSimulator } from './zoom/simulate.ts';

/** Every provider's simulator by provider name (`hookgate send <provider>`). */
const all: Record<string, Simulator> = {
  stripe: stripeSimulator,
  github: githubSimulator,
  'standard-webhooks': standardWebhooksSimulator,
  gitlab: gitlabSimulator,
  shopify: shopifySimulator,
  slack: slackSimulator,
  linear: linearSimulator,
  typeform: typeformSimulator,
  intercom: intercomSimulator,
  twilio: twilioSimulator,
  square: squareSimulator,
  paddle: paddleSimulator,
  zoom: zoomSimulator,
  twitch: twitchSimulator,
  woocommerce: woocommerceSimulator,
  mailgun: mailgunSimulator,
  google: googleSimulator,
  paypal: paypalSimulator,
  sendgrid: sendgridSimulator,
  discord: discordSimulator,
  talabat: talabatSimulator,
  careem: careemSimulator,
  'generic-hmac': genericHmacSimulator,
  'basic-auth': basicAuthSimulator,
  'api-key': apiKeySimulator,
  none: noneSimulator,
};

export const simulators: ReadonlyMap<string, Simulator> = new Map(Object.entries(all));
