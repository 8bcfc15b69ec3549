import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Telemetry, type TelemetryName } from '../../../src/telemetry/events.ts';
import { parseTraceparent } from '../../../src/telemetry/trace-context.ts';

const commit = { size: 3, durationMs: 1.5, error: undefined };

describe('Telemetry: typed events with a safe emit', () => {
  it('delivers to every subscriber in order, and stops after unsubscribe', () => {
    const t = new Telemetry();
    const seen: string[] = [];
    const off = t.on('commit.finished', (e) => seen.push(`a${e.size}`));
    t.on('commit.finished', (e) => seen.push(`b${e.size}`));
    t.emit('commit.finished', commit);
    off();
    t.emit('commit.finished', { ...commit, size: 4 });
    assert.deepEqual(seen, ['a3', 'b3', 'b4']);
  });

  it('a throwing or rejecting subscriber never reaches the emitter, and is reported', async () => {
    const reported: [TelemetryName, unknown][] = [];
    const t = new Telemetry((name, err) => reported.push([name, err]));
    const after: number[] = [];
    t.on('commit.finished', () => {
      throw new Error('broken subscriber');
    });
    t.on('commit.finished', async () => {
      throw new Error('broken async subscriber');
    });
    t.on('commit.finished', (e) => after.push(e.size));
    assert.doesNotThrow(() => t.emit('commit.finished', commit));
    assert.deepEqual(after, [3], 'the subscribers after a broken one still get the event');
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      reported.map(([name, err]) => [name, (err as Error).message]),
      [
        ['commit.finished', 'broken subscriber'],
        ['commit.finished', 'broken async subscriber'],
      ],
    );
  });

  it('a reporter that throws too is contained', () => {
    const t = new Telemetry(() => {
      throw new Error('reporter');
    });
    t.on('commit.finished', () => {
      throw new Error('subscriber');
    });
    assert.doesNotThrow(() => t.emit('commit.finished', commit));
  });

  it('says whether anyone listens, so an emitter can skip building a payload', () => {
    const t = new Telemetry();
    assert.equal(t.wants('webhook.received'), false);
    const off = t.on('webhook.received', () => undefined);
    assert.equal(t.wants('webhook.received'), true);
    off();
    assert.equal(t.wants('webhook.received'), false);
  });

  it('a subscriber added while an event is emitted gets the next one', () => {
    const t = new Telemetry();
    const seen: string[] = [];
    t.on('commit.finished', () => {
      seen.push('first');
      t.on('commit.finished', () => seen.push('late'));
    });
    t.emit('commit.finished', commit);
    assert.deepEqual(seen, ['first']);
  });
});

describe('traceparent from a provider: strict', () => {
  const traceId = '0af7651916cd43dd8448eb211c80319c';
  const spanId = 'b7ad6b7169203331';
  it('accepts exactly the version-00 form', () => {
    assert.deepEqual(parseTraceparent(`00-${traceId}-${spanId}-01`), {
      traceId,
      spanId,
      sampled: true,
    });
    assert.equal(parseTraceparent(`00-${traceId}-${spanId}-00`)?.sampled, false);
  });
  it('refuses everything else', () => {
    for (const bad of [
      undefined,
      42,
      '',
      `00-${traceId.toUpperCase()}-${spanId}-01`,
      `01-${traceId}-${spanId}-01`,
      `ff-${traceId}-${spanId}-01`,
      `00-${'0'.repeat(32)}-${spanId}-01`,
      `00-${traceId}-${'0'.repeat(16)}-01`,
      `00-${traceId}-${spanId}-01-`,
      ` 00-${traceId}-${spanId}-01`,
      `00-${traceId}-${spanId}-0g`,
      `00-${traceId.slice(1)}\u00e9-${spanId}-01`,
      `00-${traceId}-${spanId}-\ud800\ud800`,
    ])
      assert.equal(parseTraceparent(bad), undefined, String(bad));
  });
});
