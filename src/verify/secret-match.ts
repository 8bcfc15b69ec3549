import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: Buffer | string) => createHash('sha256').update(value).digest();

/**
 * True when the presented credential equals any configured secret (API keys, Basic credentials).
 * Both sides are hashed first so the comparison is constant-time AND length-independent: a plain
 * timingSafeEqual needs equal lengths, and checking the length first would leak it. Every secret
 * is compared, so the time taken does not tell which one matched.
 */
export function matchesAnySecret(presented: Buffer | string, secrets: readonly string[]): boolean {
  const given = digest(presented);
  let matched = false;
  for (const secret of secrets) if (timingSafeEqual(given, digest(secret))) matched = true;
  return matched;
}
