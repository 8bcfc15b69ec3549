import { orderTransforms } from '../orders/transforms.ts';
import type { BuiltinTransform } from './types.ts';

/**
 * The transforms Hookgate ships, as the feature folders declare them. A domain feature adds its
 * list here; the core knows none of them by name.
 */
const builtins: ReadonlyMap<string, BuiltinTransform> = new Map(
  [...orderTransforms].map((t) => [t.name, t]),
);

export function builtinTransform(name: string): BuiltinTransform | undefined {
  return builtins.get(name);
}

export const builtinTransformNames: readonly string[] = [...builtins.keys()];
