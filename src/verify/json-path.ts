import { valueAt } from '../domain/json-path.ts';

export { stringAt } from '../domain/json-path.ts';

/**
 * A path's value only when it is a non-empty JSON string. Fixed providers use this (Stripe's
 * `type`, GitHub's `action`): a number there is not the field the scheme defines.
 */
export function textAt(root: unknown, path: string): string | undefined {
  const value = valueAt(root, path);
  return typeof value === 'string' && value !== '' ? value : undefined;
}
