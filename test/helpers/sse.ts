import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { request } from 'undici';

/** A Server-Sent Events connection for tests: every message and comment, as they arrive. */
export interface SseConnection {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly messages: EventSourceMessage[];
  readonly comments: string[];
  /** The raw text received, to check the framing itself. */
  readonly raw: string[];
  /** Resolves when the server ends the stream (or it fails). */
  readonly ended: Promise<void>;
  close(): void;
}

export async function openSse(
  url: string,
  headers: Record<string, string> = {},
): Promise<SseConnection> {
  const abort = new AbortController();
  const res = await request(url, { headers, signal: abort.signal });
  const messages: EventSourceMessage[] = [];
  const comments: string[] = [];
  const raw: string[] = [];
  const parser = createParser({
    onEvent: (m) => messages.push(m),
    onComment: (c) => comments.push(c),
  });
  const decoder = new TextDecoder();
  const ended = (async () => {
    try {
      for await (const chunk of res.body) {
        const text = decoder.decode(chunk as Buffer, { stream: true });
        raw.push(text);
        parser.feed(text);
      }
    } catch {
      // Closed by us, or cut by the server.
    }
  })();
  return {
    status: res.statusCode,
    headers: res.headers,
    messages,
    comments,
    raw,
    ended,
    close: () => abort.abort(),
  };
}
