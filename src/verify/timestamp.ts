/** Parses a Unix timestamp in whole seconds; anything but plain digits is no timestamp. */
export function parseUnixSeconds(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,12}$/.test(text.trim())) return undefined;
  return Number(text.trim());
}

/**
 * True when the timestamp is within the tolerance of now in BOTH directions: an old one is a
 * replay; one far in the future is a signature made to be replayed later.
 */
export function withinTolerance(
  timestampSeconds: number,
  nowMs: number,
  toleranceSeconds: number,
): boolean {
  return Math.abs(nowMs / 1000 - timestampSeconds) <= toleranceSeconds;
}
