/** Builders shared by the provider tests: a request as ingress makes it, and a verify context. */
import { makeWebhookRequest, type IngressRequest } from '../../../src/verify/request.ts';
import type { Provider, VerifyContext, VerifyResult } from '../../../src/verify/types.ts';

/** A fixed "now" (2023-11-14T22:13:20Z) so timestamps are deterministic. */
export const NOW_MS = 1_700_000_000_000;
export const NOW_S = NOW_MS / 1000;

export function request(
  body: string | Buffer,
  headers: Record<string, string | undefined> = {},
): IngressRequest {
  const lower: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  return makeWebhookRequest({
    method: 'POST',
    url: '/webhooks/test',
    subpath: '',
    headers: lower,
    rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
  });
}

export interface CheckOptions {
  readonly now?: number;
  readonly toleranceSeconds?: number;
  /** Raw source options, parsed by the provider's schema as the config loader does. */
  readonly options?: unknown;
}

export function context<O>(
  provider: Provider<O>,
  secrets: readonly string[],
  opts: CheckOptions = {},
): VerifyContext<O> {
  const options = provider.optionsSchema.parse(opts.options ?? {});
  return {
    now: opts.now ?? NOW_MS,
    secrets,
    toleranceSeconds: opts.toleranceSeconds ?? provider.defaultToleranceSeconds,
    options,
    runtime: provider.runtime?.(options),
  };
}

export function check<O>(
  provider: Provider<O>,
  req: IngressRequest,
  secrets: readonly string[],
  opts: CheckOptions = {},
): VerifyResult {
  return provider.verify(req, context(provider, secrets, opts));
}

/** A copy of the bytes with one byte XOR-ed with delta (1..255): always a different value. */
export function flip(bytes: Buffer, where: number, delta: number) {
  const copy = Buffer.from(bytes);
  const i = where % copy.length;
  copy.writeUInt8(copy.readUInt8(i) ^ delta, i);
  return copy;
}

/** XORs one byte of `buf` in place (tampering with a buffer the test owns). */
export function flipInPlace(buf: Buffer, index: number, delta: number): void {
  buf[index] = (buf[index] ?? 0) ^ delta;
}
