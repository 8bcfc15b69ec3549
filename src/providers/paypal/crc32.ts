/**
 * CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as PayPal signs it. Node has
 * zlib.crc32 only from 20.15 / 22.2, and Hookgate supports every Node 20, so this small
 * table-driven version is used everywhere (the tests check it against zlib.crc32 when present).
 */
const table = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  table[n] = c >>> 0;
}

/** The CRC as an unsigned 32-bit integer (what PayPal writes in decimal). */
export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (table[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
