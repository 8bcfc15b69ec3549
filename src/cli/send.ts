import { readFileSync } from 'node:fs';
import { request } from 'undici';
import type { LoadedConfig } from '../config/load.ts';
import { errorCode, errorText } from '../domain/error-text.ts';
import type { SimulatedRequest } from '../providers/simulator.ts';
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
  /** The event id to carry (to resend one event); default: a new one each send. */
  readonly id?: string | undefined;
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
  if (simulator.privateKey !== undefined && o.key === undefined)
    throw new SendError(
      `hookgate send ${o.provider} needs --key <file>: ${simulator.privateKey} (${o.provider} signs with a private key; the source holds only the public one)`,
    );
  const secret = o.key
    ? readArgument('--key', o.key, 'utf8')
    : (o.secret ?? source.secrets[0] ?? '');
  const base = (o.url ?? `http://127.0.0.1:${loaded.config.server.port}`).replace(/\/+$/, '');
  // Each send is a new event unless --id (or the --file's own id) makes it the same one again;
  // a restaurant platform's order goes to a branch the source maps.
  const branch = Object.keys(source.orders?.branches ?? {})[0];
  const body = o.file
    ? readArgument('--file', o.file)
    : simulator.sample({ eventId: o.id, branch });
  const target = `${base}/webhooks/${source.name}`;
  let signed: SimulatedRequest;
  try {
    signed = simulator.sign({
      body,
      secret,
      now: o.now ?? Date.now(),
      options: source.options,
      url: target,
      eventId: o.id,
      branch,
    });
  } catch (err) {
    throw new SendError(`cannot sign as ${o.provider}: ${errorText(err)}`, { cause: err });
  }
  const url = `${target}${signed.pathSuffix ?? ''}`;
  const method = signed.method ?? 'POST';
  try {
    const res = await request(url, {
      method: method as 'POST',
      headers: { ...signed.headers },
      body: signed.body,
    });
    return { method, url, status: res.statusCode, body: await res.body.text() };
  } catch (err) {
    throw new SendError(
      `no gateway answered at ${base} (${errorCode(err) ?? errorText(err)}): is it running? Start it with npm start, or give its address with --url`,
      { cause: err },
    );
  }
}

/** A file named on the command line; a missing one is the operator's mistake, said plainly. */
function readArgument(flag: string, file: string): Buffer;
function readArgument(flag: string, file: string, encoding: 'utf8'): string;
function readArgument(flag: string, file: string, encoding?: 'utf8'): Buffer | string {
  try {
    return encoding ? readFileSync(file, encoding) : readFileSync(file);
  } catch (err) {
    throw new SendError(`cannot read ${flag} ${file}: ${errorCode(err) ?? errorText(err)}`);
  }
}
