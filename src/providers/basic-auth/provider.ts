import { z } from 'zod';
import { identifyFromOptions, identifyOptionsShape } from '../../verify/identify-options.ts';
import { matchesAnySecret } from '../../verify/secret-match.ts';
import type { Provider, WebhookRequest } from '../../verify/types.ts';

const options = z.strictObject({ ...identifyOptionsShape });

export type BasicAuthOptions = z.output<typeof options>;

// RFC 7617: the scheme name is case-insensitive; the credentials are one base64 token68.
const basicHeader = /^basic +([A-Za-z0-9+/]+={0,2}) *$/i;

/** The decoded `user:password` bytes, or undefined when the header is not valid Basic auth. */
export function basicCredentials(request: WebhookRequest): Buffer | undefined {
  const match = basicHeader.exec(request.headers.authorization ?? '');
  const encoded = match?.[1];
  if (encoded === undefined || encoded.length % 4 !== 0) return undefined;
  const decoded = Buffer.from(encoded, 'base64');
  return decoded.includes(0x3a) ? decoded : undefined; // no ':' → no user/password pair
}

/**
 * HTTP Basic authentication: `Authorization: Basic base64(user:password)`, compared (decoded,
 * as bytes) with each configured `user:password` secret in constant time. Nothing is signed:
 * the body's integrity rests on TLS alone.
 */
export const basicAuth: Provider<BasicAuthOptions> = {
  name: 'basic-auth',
  defaultToleranceSeconds: 0,
  requiresSecret: true,
  optionsSchema: options,
  credentialHeaders: () => ['authorization'],
  verify(request, ctx) {
    if (!request.headers.authorization)
      return { ok: false, reason: 'missing Authorization header' };
    const credentials = basicCredentials(request);
    if (credentials === undefined)
      return { ok: false, reason: 'Authorization is not Basic base64(user:password)' };
    return matchesAnySecret(credentials, ctx.secrets)
      ? { ok: true }
      : { ok: false, reason: 'Basic credentials match no configured secret' };
  },
  identify: identifyFromOptions,
};
