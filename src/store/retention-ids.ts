/**
 * The smallest id made at `ms` with `prefix`: ids are UUIDv7 (domain/ids.ts), whose first 48
 * bits are the time they were made, so `id < idFloor('att', t)` is "made before t" and runs
 * along the primary key.
 */
export function idFloor(prefix: 'evt' | 'dlv' | 'att', ms: number): string {
  return `${prefix}_${Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0')}`;
}
