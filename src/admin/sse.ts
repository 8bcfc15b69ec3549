/**
 * Server-Sent Events framing. Only JSON goes on a `data:` line (JSON.stringify escapes CR, LF,
 * NUL and lone surrogates, so no value can end a line or a frame early), and the `id:` line
 * carries only printable ASCII without spaces: anything else is left off rather than written.
 */
const printable = /^[\x21-\x7e]{1,200}$/;

export function sseFrame(frame: { id?: string; event: string; data: unknown }): string {
  const id = frame.id !== undefined && printable.test(frame.id) ? `id: ${frame.id}\n` : '';
  const event = printable.test(frame.event) ? frame.event : 'message';
  return `${id}event: ${event}\ndata: ${JSON.stringify(frame.data)}\n\n`;
}

/** A comment line: ignored by clients, it keeps proxies from timing the stream out. */
export const ssePing = ': ping\n\n';
