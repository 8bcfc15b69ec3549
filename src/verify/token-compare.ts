import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * True when a plain shared token (GitLab's X-Gitlab-Token, a channel token…) equals any secret.
 * Both sides are hashed first so every comparison is over 32 bytes: the time taken tells neither
 * the secret's length nor which secret matched, and every secret is always compared.
 */
export function tokenMatches(provided: string, secrets: readonly string[]): boolean {
  const given = digest(provided);
  let matched = false;
  for (const secret of secrets) if (timingSafeEqual(given, digest(secret))) matched = true;
  return matched;
}
