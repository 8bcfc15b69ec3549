import { Agent, request } from 'undici';
import type { DestinationConfig } from '../config/schema.ts';
import { standardWebhooksKey } from '../providers/standard-webhooks/provider.ts';
import { hmac } from '../verify/hmac.ts';
import type { StoredEvent } from '../store/store.ts';
import type { AttemptResult } from './outcome.ts';

export interface SendResult {
  readonly result: AttemptResult;
  readonly durationMs: number;
  readonly responseBody: string | null;
}

const excerptBytes = 1024;

/** Headers of the original request worth passing on; the rest (hop-by-hop, credentials) are not. */
const forwarded = ['content-type', 'user-agent'];

/**
 * POSTs events to HTTP destinations through one undici Agent (keep-alive pools per origin; the
 * global fetch measured ~6x slower here). Every request says which event it is and is signed the
 * Standard Webhooks way when the destination has a signing secret.
 */
export class HttpSender {
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, connections: 64 });

  /** `payload`: a route transform's output, sent instead of the event's body. */
  async send(
    destination: DestinationConfig,
    event: StoredEvent,
    now: number,
    payload?: { readonly body: string; readonly headers: Readonly<Record<string, string>> },
  ): Promise<SendResult> {
    const body = payload ? Buffer.from(payload.body, 'utf8') : event.body;
    const messageId = `${event.id}.${destination.name}`;
    const timestamp = String(Math.floor(now / 1000));
    const headers: Record<string, string> = {
      'idempotency-key': messageId,
      'x-request-id': event.requestId,
      'x-hookgate-event-id': event.id,
      'x-hookgate-source': event.source,
      'webhook-id': messageId,
      'webhook-timestamp': timestamp,
    };
    if (event.eventType) headers['x-hookgate-event-type'] = event.eventType;
    for (const name of forwarded) {
      const value = event.headers[name];
      if (value !== undefined) headers[name] = value;
    }
    if (payload) Object.assign(headers, lowerCased(payload.headers));
    const key = destination.signingSecret && standardWebhooksKey(destination.signingSecret);
    if (key) {
      const signature = hmac('sha256', key, [Buffer.from(`${messageId}.${timestamp}.`), body]);
      headers['webhook-signature'] = `v1,${signature.toString('base64')}`;
    }
    Object.assign(headers, lowerCased(destination.headers));

    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const res = await request(destination.url, {
        method: 'POST',
        headers,
        body,
        dispatcher: this.agent,
        headersTimeout: destination.timeoutMs,
        bodyTimeout: destination.timeoutMs,
        signal: AbortSignal.timeout(destination.timeoutMs),
      });
      const excerpt = await readExcerpt(res.body);
      const retryAfter = res.headers['retry-after'];
      return {
        result: {
          kind: 'response',
          status: res.statusCode,
          retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        },
        durationMs: elapsed(),
        responseBody: excerpt,
      };
    } catch (err) {
      const e = err as Error & { code?: string };
      const timeout =
        e.name === 'TimeoutError' ||
        e.code === 'UND_ERR_HEADERS_TIMEOUT' ||
        e.code === 'UND_ERR_BODY_TIMEOUT';
      return {
        result: { kind: 'network', error: e.code ?? e.message, timeout },
        durationMs: elapsed(),
        responseBody: null,
      };
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

function lowerCased(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

/** Keeps the first KiB of the response for operators and discards the rest without buffering it. */
async function readExcerpt(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < excerptBytes) {
      chunks.push(chunk);
      size += chunk.length;
    }
  }
  return Buffer.concat(chunks).subarray(0, excerptBytes).toString('utf8');
}
