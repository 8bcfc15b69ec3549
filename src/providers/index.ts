import type { Provider } from '../verify/types.ts';
import { genericHmac } from './generic-hmac/provider.ts';
import { github } from './github/provider.ts';
import { none } from './none/provider.ts';
import { standardWebhooks } from './standard-webhooks/provider.ts';
import { stripe } from './stripe/provider.ts';

/** Every built-in provider by name. The Provider type is erased here: options are validated per source. */
const all = [stripe, github, standardWebhooks, genericHmac, none] as unknown as readonly Provider[];

export const providers: ReadonlyMap<string, Provider> = new Map(all.map((p) => [p.name, p]));

export const providerNames: readonly string[] = [...providers.keys()];

export function getProvider(name: string): Provider | undefined {
  return providers.get(name);
}
