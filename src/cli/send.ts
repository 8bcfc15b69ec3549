import { readFileSync } from 'node:fs';
import { request } from 'undici';
import type { LoadedConfig } from '../config/load.ts';
import { simulators } from '../providers/simulators.ts';

export interface SendOptions {
  readonly provider: string;
  readonly source: string;
  /** The body to send instead of the provider's sample. */
  readonly file?: string | undefined;
  /** The gateway's base URL; default: this config's port on 127.0.0.1. */
  readonly url?: string | undefined;
  /** Sign with this instead of the source's first configured secret. */
  readonly secret?: string | undefined;
  /** PEM file of the private key, for public-key schemes (the source holds the public key). */
  readonly key?: string | undefined;
  readonly now?: number;
}

/** A mistake in the command (unknown provider or source): printed without a stack. */
export class SendError extends Error {}

export interface SendResult {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly body: string;
}

/**
 * The webhook simulator: signs a sample (or given) payload exactly as the platform would, with
 * the source's own configuration, and posts it to a running gateway.
 */
export async function sendSimulated(loaded: LoadedConfig, o: SendOptions): Promise<SendResult> {
  const simulator = simulators.get(o.provider);
  if (simulator === undefined)
    throw new SendError(
      `no simulator for provider "${o.provider}" (known: ${[...simulators.keys()].join(', ')})`,
    );
  const source = loaded.config.sources.find((s) => s.name === o.source);
  if (source === undefined) throw new SendError(`no source "${o.source}" in ${loaded.file}`);
  if (source.provider !== o.provider)
    throw new SendError(
      `source "${o.source}" uses provider "${source.provider}", not "${o.provider}"`,
    );
  const secret = o.key ? readFileSync(o.key, 'utf8') : (o.secret ?? source.secrets[0] ?? '');
  const base = (o.url ?? `http://127.0.0.1:${loaded.config.server.port}`).replace(/\/+$/, '');
  const body = o.file ? readFileSync(o.file) : simulator.sample();
  const target = `${base}/webhooks/${source.name}`;
  const signed = simulator.sign({
    body,
    secret,
    now: o.now ?? Date.now(),
    options: source.options,
    url: target,
  });
  const url = `${target}${signed.pathSuffix ?? ''}`;
  const method = signed.method ?? 'POST';
  const res = await request(url, {
    method: method as 'POST',
    headers: { ...signed.headers },
    body: signed.body,
  });
  return { method, url, status: res.statusCode, body: await res.body.text() };
}
