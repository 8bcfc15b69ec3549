import type { Config } from '../config/schema.ts';
import { routeName } from '../routing/route-table.ts';
import { builtinTransform } from './builtins.ts';
import { loadModuleTransform } from './module-transform.ts';
import { withPayloadSchema } from './payload-schema.ts';
import type { Transform } from './types.ts';

/** Route name → its transform, built once at start (a module that does not load stops the start). */
export function buildTransforms(config: Config): ReadonlyMap<string, Transform> {
  const out = new Map<string, Transform>();
  for (const route of config.routes) {
    const source = config.sources.find((s) => s.name === route.source);
    const builtin = route.transform === undefined ? undefined : builtinTransform(route.transform);
    const transform =
      route.transform === undefined
        ? undefined
        : builtin
          ? builtin.create(source)
          : loadModuleTransform(route.transform, { timeoutMs: config.delivery.transformTimeout });
    // The source's JSON Schema goes first: an event that fails it is never transformed or sent.
    // (A string here was never resolved by the loader: only an object is a schema.)
    const schema = typeof source?.schema === 'object' ? source.schema : undefined;
    const checked = schema ? withPayloadSchema(schema, transform) : transform;
    if (checked) out.set(routeName(route), checked);
  }
  return out;
}
