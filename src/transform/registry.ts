import { isAbsolute } from 'node:path';
import type { Config } from '../config/schema.ts';
import { routeName } from '../routing/route-table.ts';
import { loadModuleTransform } from './module-transform.ts';
import { withPayloadSchema } from './payload-schema.ts';
import type { BuiltinTransform, Transform } from './types.ts';

/**
 * Route name → its transform, built once at start (a module that does not load, or a name no
 * built-in has, stops the start). `builtins` are the transforms the feature folders declare
 * (src/orders/transforms.ts), handed in by the composition root: the core knows none by name.
 */
export function buildTransforms(
  config: Config,
  builtins: readonly BuiltinTransform[],
): ReadonlyMap<string, Transform> {
  const byName = new Map(builtins.map((b) => [b.name, b]));
  const out = new Map<string, Transform>();
  for (const route of config.routes) {
    const source = config.sources.find((s) => s.name === route.source);
    const name = route.transform;
    let transform: Transform | undefined;
    if (name !== undefined && isAbsolute(name))
      transform = loadModuleTransform(name, { timeoutMs: config.delivery.transformTimeout });
    else if (name !== undefined) {
      const builtin = byName.get(name);
      if (builtin === undefined)
        throw new Error(
          `routes: transform "${name}" is no built-in (${[...byName.keys()].join(', ')}) and no module path`,
        );
      transform = builtin.create(source);
    }
    // The source's JSON Schema goes first: an event that fails it is never transformed or sent.
    // (A string here was never resolved by the loader: only an object is a schema.)
    const schema = typeof source?.schema === 'object' ? source.schema : undefined;
    const checked = schema ? withPayloadSchema(schema, transform) : transform;
    if (checked) out.set(routeName(route), checked);
  }
  return out;
}
