/** Parses a Unix timestamp in whole seconds; anything but plain digits is no timestamp. */
export function parseUnixSeconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  // 12 digits reach year 33658: longer is garbage, and Number() stays exact.
  return /^\d{1,12}$/.test(trimmed) ? Number(trimmed) : undefined;
}

/**
 * True when the timestamp is within the tolerance of now in BOTH directions: an old one is a
 * replay; one far in the future is a signature made to be replayed later. Now is floored to whole
 * seconds, as Stripe's and Standard Webhooks' libraries do, so the edges agree with them.
 */
export function withinTolerance(
  timestampSeconds: number,
  nowMs: number,
  toleranceSeconds: number,
): boolean {
  if (!Number.isFinite(timestampSeconds) || !Number.isFinite(nowMs)) return false;
  return Math.abs(Math.floor(nowMs / 1000) - timestampSeconds) <= toleranceSeconds;
}
