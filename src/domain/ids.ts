import { randomFillSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/** Time-ordered ids with a readable prefix: `evt_0193…`, `dlv_0193…`. */
export type IdPrefix = 'evt' | 'dlv' | 'att' | 'job';

// uuid asks the OS for 16 random bytes per id (3.5 µs an id here, ~4% of ingest CPU); drawing
// them in blocks of 256 ids costs 0.4 µs. Passing our own bytes turns off uuid's monotonic
// counter, so the same rule is kept here: within one millisecond the 31-bit sequence goes up
// by one, so ids made by this process sort in the order they were made.
const pool = Buffer.alloc(16 * 256);
let offset = pool.length;
let lastMs = -Infinity;
let seq = 0;

function random16(): Buffer {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  offset += 16;
  return pool.subarray(offset - 16, offset);
}

export function newId(prefix: IdPrefix): string {
  const random = random16();
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    seq = random.readUInt32BE(6) & 0x7fffffff;
  } else {
    seq = (seq + 1) | 0;
    if (seq === 0) lastMs++;
  }
  return `${prefix}_${uuidv7({ random, msecs: lastMs, seq }).replaceAll('-', '')}`;
}
