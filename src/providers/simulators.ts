import { googleSimulator } from './google/simulate.ts';
import { mailgunSimulator } from './mailgun/simulate.ts';
import { paddleSimulator } from './paddle/simulate.ts';
import type { Simulator } from './simulator.ts';
import { squareSimulator } from './square/simulate.ts';
import { twilioSimulator } from './twilio/simulate.ts';
import { twitchSimulator } from './twitch/simulate.ts';
import { woocommerceSimulator } from './woocommerce/simulate.ts';
import { zoomSimulator } from './zoom/simulate.ts';

/** Every provider's simulator by provider name (`hookgate send <provider>`). */
const all: Record<string, Simulator> = {
  twilio: twilioSimulator,
  square: squareSimulator,
  paddle: paddleSimulator,
  zoom: zoomSimulator,
  twitch: twitchSimulator,
  woocommerce: woocommerceSimulator,
  mailgun: mailgunSimulator,
  google: googleSimulator,
};

export const simulators: ReadonlyMap<string, Simulator> = new Map(Object.entries(all));
