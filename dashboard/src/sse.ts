/** One Server-Sent Events message, as the HTML standard's event-stream parsing makes it. */
export interface SseMessage {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: string;
}

/**
 * An event-stream parser fed with text chunks as they arrive (fetch's ReadableStream: the
 * dashboard cannot use EventSource, which cannot send an Authorization header). Lines end with
 * CRLF, LF or CR, split anywhere across chunks; a blank line dispatches; `:` lines are comments.
 */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  /** The standard's last event ID buffer: kept from message to message until another `id`. */
  private id: string | undefined;
  /** The last id seen (sent back as Last-Event-ID when reconnecting). */
  lastEventId: string | undefined;
  /** A lone CR at the end of a chunk: an LF opening the next one belongs to it. */
  private pendingCr = false;

  constructor(private readonly onMessage: (message: SseMessage) => void) {}

  push(chunk: string): void {
    let text = chunk;
    if (this.pendingCr && text.startsWith('\n')) text = text.slice(1);
    this.pendingCr = false;
    this.buffer += text;
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (match === null) return;
      // A CR last in the buffer may be half of a CRLF split across chunks.
      if (match[0] === '\r' && match.index === this.buffer.length - 1) this.pendingCr = true;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      this.line(line);
    }
  }

  private line(line: string): void {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\u0000')) this.id = value;
  }

  private dispatch(): void {
    if (this.id !== undefined) this.lastEventId = this.id;
    const had = this.data.length > 0;
    const message = { id: this.id, event: this.event || 'message', data: this.data.join('\n') };
    this.data = [];
    this.event = '';
    if (had) this.onMessage(message);
  }
}
