/**
 * Reads a dotted path ("data.object.id", "items.0.sku") from parsed JSON. Array indices are plain
 * numbers. Own properties only, so "__proto__" or "constructor" read nothing.
 */
export function valueAt(root: unknown, path: string): unknown {
  let node = root;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** A path's value as an identifier: strings as they are, finite numbers in decimal. */
export function stringAt(root: unknown, path: string): string | undefined {
  const value = valueAt(root, path);
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * A path's value only when it is a non-empty JSON string. Fixed providers use this (Stripe's
 * `type`, GitHub's `action`): a number there is not the field the scheme defines.
 */
export function textAt(root: unknown, path: string): string | undefined {
  const value = valueAt(root, path);
  return typeof value === 'string' && value !== '' ? value : undefined;
}
