import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { isCredentialHeader } from '../domain/credential-header.ts';
import { errorCode, errorText } from '../domain/error-text.ts';
import { newId } from '../domain/ids.ts';
import { AdminClient } from './admin-client.ts';
import { CliError, exitCodes, usageError } from './cli-error.ts';
import { followEvents, type StreamedEvent } from './event-follow.ts';
import { intFlag, parseCommand } from './options.ts';
import { colorsFor, err, jsonText, out, safeText } from './terminal.ts';

export const listenHelp = `usage: hookgate listen --source NAME --forward-to URL [--name NAME] [--after EVENT_ID]
                      [--timeout SECONDS] [--idle-timeout SECONDS]
receives the source's events from the gateway at --url over an outbound connection (no inbound
port here), forwards each (its body as received, its safe headers) to the local URL, and reports
each answer back to the gateway, where it shows as a delivery to listen:<name> of the event;
after a drop it reconnects and goes on after the last event forwarded: none lost, none twice`;

/** Headers never forwarded: the connection's own, and any credential (stored redacted anyway). */
const hopByHop = new Set([
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'proxy-connection',
]);

/** The stored headers a local app may get: no connection headers, no credential, none redacted. */
export function forwardedHeaders(
  stored: Record<string, string>,
  event: { id: string; source: string },
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(stored)) {
    const lower = name.toLowerCase();
    if (hopByHop.has(lower) || lower.startsWith('proxy-') || isCredentialHeader(lower)) continue;
    if (value === '[redacted]') continue;
    headers[lower] = value;
  }
  headers['x-hookgate-event-id'] = event.id;
  headers['x-hookgate-source'] = event.source;
  return headers;
}

interface EventDetail {
  id: string;
  source: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  bodyEncoding: 'utf8' | 'base64';
}

interface Answer {
  readonly startedAt: number;
  readonly durationMs: number;
  readonly statusCode: number | null;
  readonly responseBody: string | null;
  readonly error: string | null;
}

/** One forward to the local URL: what it answered (the first KiB), or why it did not. */
async function forward(to: string, event: EventDetail, timeoutMs: number): Promise<Answer> {
  const startedAt = Date.now();
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  const body = Buffer.from(event.body, event.bodyEncoding === 'base64' ? 'base64' : 'utf8');
  const method = event.method === 'GET' || event.method === 'HEAD' ? event.method : 'POST';
  try {
    const res = await request(to, {
      method: method as 'POST',
      headers: forwardedHeaders(event.headers, event),
      ...(method === 'POST' ? { body } : {}),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = (await res.body.text()).slice(0, 1024);
    return {
      startedAt,
      durationMs: took(),
      statusCode: res.statusCode,
      responseBody: text,
      error: null,
    };
  } catch (e) {
    return {
      startedAt,
      durationMs: took(),
      statusCode: null,
      responseBody: null,
      error: `${to}: ${errorCode(e) ?? errorText(e)}`,
    };
  }
}

/**
 * `hookgate listen`: the gateway's events of one source, forwarded to a local URL, each answer
 * reported back (POST /admin/events/:id/forwards).
 */
export async function listenCommand(argv: readonly string[]): Promise<void> {
  const { positionals, values, connection, json, help } = parseCommand('listen', argv, {
    source: { type: 'string' },
    'forward-to': { type: 'string' },
    name: { type: 'string' },
    after: { type: 'string' },
    timeout: { type: 'string' },
    'idle-timeout': { type: 'string' },
  });
  if (help) return out(`${listenHelp}\n`);
  if (positionals.length > 0)
    throw usageError(`hookgate listen: unexpected "${safeText(positionals[0])}"`);
  const source = values.source;
  const to = values['forward-to'];
  if (source === undefined || to === undefined)
    throw usageError(`hookgate listen needs --source and --forward-to`, listenHelp);
  let target: URL;
  try {
    target = new URL(to);
  } catch {
    throw usageError(`--forward-to must be an http:// or https:// URL, not "${safeText(to)}"`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    throw usageError(`--forward-to must be an http:// or https:// URL, not "${safeText(to)}"`);
  const name =
    values.name ??
    (hostname()
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .slice(0, 64) ||
      'listen');
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(name))
    throw usageError('--name: use 1–64 letters, digits, ".", "_" or "-"');
  const timeoutMs = (intFlag('timeout', values.timeout, 1, 3600) ?? 30) * 1000;
  const client = new AdminClient(connection);
  const c = colorsFor(process.stdout);
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  const status = (line: string) => err(`hookgate listen: ${safeText(line)}\n`);
  status(`forwarding events of source ${source} to ${target.href} as listen:${name}`);

  const handle = async (summary: StreamedEvent) => {
    const path = `/admin/events/${encodeURIComponent(summary.id)}`;
    const event = await persist(
      `reading event ${summary.id}`,
      () => client.get<EventDetail>(path),
      status,
      stop.signal,
    );
    // Gone (retention) meanwhile: said, and not forwarded.
    if (event === undefined) return;
    const answer = await forward(target.href, event, timeoutMs);
    // The same attempt id each time: a report sent again is recorded once.
    const body = { listener: name, attemptId: newId('att'), ...answer };
    const reported =
      (await persist(
        `reporting the answer to ${summary.id}`,
        () => client.post(`${path}/forwards`, body),
        status,
        stop.signal,
      )) !== undefined;
    const ok = answer.statusCode !== null && answer.statusCode >= 200 && answer.statusCode <= 299;
    if (json) {
      out(`${jsonText({ event: summary.id, type: summary.eventType, ...answer, reported })}\n`);
      return;
    }
    const result =
      answer.statusCode === null ? safeText(answer.error ?? '') : String(answer.statusCode);
    out(
      `${safeText(summary.id)}  ${safeText(summary.eventType ?? '-')}  ${event.method} ${safeText(target.href)}  ${
        ok ? c.green(result) : c.red(result)
      }  ${answer.durationMs} ms${reported ? '' : c.yellow('  (not reported)')}\n`,
    );
  };

  await followEvents({
    connection,
    source,
    after: values.after,
    idleMs: (intFlag('idle-timeout', values['idle-timeout'], 1, 3600) ?? 45) * 1000,
    signal: stop.signal,
    onStatus: status,
    onEvent: handle,
  });
}

/**
 * `work` again while the gateway is unreachable or failing (an outage, a restart), with a growing
 * wait, until it succeeds or the listener stops: the stream waits meanwhile, so no event is
 * skipped and no forward goes unreported. Undefined: the gateway refused it for good (the event
 * is gone), or the listener was stopped first; said on stderr either way.
 */
async function persist<T>(
  what: string,
  work: () => Promise<T>,
  status: (line: string) => void,
  signal: AbortSignal,
): Promise<T | undefined> {
  for (let failures = 0; ; failures++) {
    try {
      return await work();
    } catch (e) {
      if (e instanceof CliError && e.exitCode === exitCodes.auth) throw e;
      const message = e instanceof Error ? e.message : String(e);
      const retryable =
        e instanceof CliError &&
        (e.exitCode === exitCodes.unreachable || e.exitCode === exitCodes.api);
      if (!retryable || signal.aborted) {
        status(`${what}: gave up: ${message}`);
        return undefined;
      }
      const wait = Math.min(10_000, 250 * 2 ** failures);
      status(`${what} failed (${message}); again in ${(wait / 1000).toFixed(1)} s`);
      try {
        await sleep(wait, undefined, { signal });
      } catch {
        status(`${what}: gave up: stopped`);
        return undefined;
      }
    }
  }
}
