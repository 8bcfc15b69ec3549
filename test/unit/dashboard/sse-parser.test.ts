import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createParser } from 'eventsource-parser';
import fc from 'fast-check';
import { SseParser, type SseMessage } from '../../../dashboard/src/sse.ts';

const parseAll = (chunks: readonly string[]) => {
  const out: SseMessage[] = [];
  const parser = new SseParser((m) => out.push(m));
  for (const c of chunks) parser.push(c);
  return { out, lastEventId: parser.lastEventId };
};

describe("the dashboard's Server-Sent Events parser (live tail)", () => {
  it('reads the gateway frames: id, event, JSON data; comments and pings are skipped', () => {
    const { out, lastEventId } = parseAll([
      ': connected\n\n',
      'id: evt_1\nevent: event\ndata: {"id":"evt_1"}\n\n',
      ': ping\n\n',
      'id: evt_2\nevent: event\ndata: {"type":"<img src=x onerror=1> 😀 \\ud800"}\n\n',
    ]);
    assert.deepEqual(out, [
      { id: 'evt_1', event: 'event', data: '{"id":"evt_1"}' },
      { id: 'evt_2', event: 'event', data: '{"type":"<img src=x onerror=1> 😀 \\ud800"}' },
    ]);
    assert.equal(lastEventId, 'evt_2');
  });

  it('joins data lines, keeps the id across messages, takes CR, LF and CRLF, ignores an id with NUL', () => {
    const { out, lastEventId } = parseAll([
      'id: a\r\ndata: one\r\ndata:two\r\r',
      'data: three\n\nid: b\u0000\ndata: four\r',
      '\n\r\n',
    ]);
    assert.deepEqual(out, [
      { id: 'a', event: 'message', data: 'one\ntwo' },
      { id: 'a', event: 'message', data: 'three' },
      { id: 'a', event: 'message', data: 'four' },
    ]);
    assert.equal(lastEventId, 'a');
  });

  it('any split of a stream into chunks gives the messages eventsource-parser gives for it whole', () => {
    const text = fc.string({
      unit: fc.constantFrom('a', 'é', '😀', ' ', ':', '\n', '\r', 'd', 'id', 'data', 'event'),
    });
    const frame = fc
      .record({
        id: fc.option(text),
        event: fc.option(text),
        data: fc.array(text, { maxLength: 3 }),
      })
      .map(({ id, event, data }) =>
        [
          id === null ? '' : `id: ${id.replace(/[\r\n]/g, '')}\n`,
          event === null ? '' : `event: ${event.replace(/[\r\n]/g, '')}\n`,
          ...data.map((d) => `data: ${d.replace(/[\r\n]/g, '')}\n`),
          '\n',
        ].join(''),
      );
    fc.assert(
      fc.property(
        fc.array(fc.oneof(frame, text), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (parts, cuts) => {
          const stream = parts.join('');
          const expected: SseMessage[] = [];
          const reference = createParser({
            onEvent: (m) => expected.push({ id: m.id, event: m.event ?? 'message', data: m.data }),
          });
          reference.feed(stream);
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort(
            (a, b) => a - b,
          );
          const chunks: string[] = [];
          let at = 0;
          for (const p of points) {
            chunks.push(stream.slice(at, p));
            at = p;
          }
          chunks.push(stream.slice(at));
          const ours = parseAll(chunks);
          // The same messages (ids: the standard's last-event-id buffer, checked above; the
          // reference reports only an event's own id field).
          const strip = (m: SseMessage) => ({ event: m.event, data: m.data });
          assert.deepEqual(ours.out.map(strip), expected.map(strip));
        },
      ),
      { numRuns: 500 },
    );
  });
});
