import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulators } from '../../src/providers/simulators.ts';
import type { PayPalCertHost } from './pki.ts';

/** One source per provider, and what the provider's simulator signs with. */
export interface ProviderSource {
  /** The source as written in a config file (`name` is the provider's name). */
  readonly source: {
    readonly name: string;
    readonly provider: string;
    readonly secrets: readonly string[];
    readonly options?: object;
  };
  /** What `Simulator.sign` gets as `secret`: the secret, or a private key (PEM). */
  readonly signingSecret: string;
  /** For public-key schemes: the PEM file of the private key (`hookgate send --key`). */
  readonly keyFile?: string;
}

/** Every provider with a simulator, in the registry's order. */
export const simulatedProviders: readonly string[] = [...simulators.keys()];

/**
 * A source for every provider, signed the way the platform signs. Public-key schemes get a key
 * pair (the source holds the public key); PayPal needs a certificate host (`startPayPalCertHost`),
 * and is left out without one.
 */
export function providerSources(dir: string, paypal?: PayPalCertHost): ProviderSource[] {
  const keyPair = (type: 'ed25519' | 'ec', publicKey: (der: Buffer) => string) => {
    const pair =
      type === 'ed25519'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const pem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const keyFile = join(dir, `${type}.pem`);
    writeFileSync(keyFile, pem);
    const der = pair.publicKey.export({ type: 'spki', format: 'der' });
    return { secret: publicKey(der), signingSecret: pem, keyFile };
  };
  const special: Record<
    string,
    { secret?: string; options?: object; signingSecret?: string; keyFile?: string }
  > = {
    'standard-webhooks': { secret: `whsec_${randomBytes(24).toString('base64')}` },
    'basic-auth': { secret: `partner:${randomBytes(12).toString('hex')}` },
    twilio: { options: { url: 'https://hooks.example.com/webhooks/twilio' } },
    square: { options: { notificationUrl: 'https://hooks.example.com/webhooks/square' } },
    // Discord's public key is the raw 32 bytes in hex (the end of the SPKI DER).
    discord: keyPair('ed25519', (der) => der.subarray(-32).toString('hex')),
    sendgrid: keyPair('ec', (der) => der.toString('base64')),
  };
  if (paypal) {
    const keyFile = join(dir, 'paypal.pem');
    writeFileSync(keyFile, paypal.signingKey);
    special.paypal = {
      options: {
        webhookId: 'WH-HOOKGATE-TEST',
        certHosts: [paypal.host],
        caCertificates: paypal.caPem,
      },
      signingSecret: paypal.signingKey,
      keyFile,
    };
  }
  return simulatedProviders
    .filter((provider) => provider !== 'paypal' || paypal !== undefined)
    .map((provider) => {
      const s = special[provider] ?? {};
      // PayPal has no shared secret: it checks a certificate.
      const secret =
        provider === 'paypal' ? undefined : (s.secret ?? randomBytes(24).toString('hex'));
      return {
        source: {
          name: provider,
          provider,
          secrets: secret === undefined ? [] : [secret],
          ...(s.options ? { options: s.options } : {}),
        },
        signingSecret: s.signingSecret ?? secret ?? '',
        ...(s.keyFile ? { keyFile: s.keyFile } : {}),
      };
    });
}
