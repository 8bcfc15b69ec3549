import type { Config } from '../config/schema.ts';
import { stringAt } from '../domain/json-path.ts';
import { routeName } from '../routing/route-table.ts';
import type { Capture } from '../transform/types.ts';

/** Route name → the fields its configuration captures (`routes[].capture`). */
export function routeCaptures(config: Config): ReadonlyMap<string, Capture> {
  const out = new Map<string, Capture>();
  for (const route of config.routes) if (route.capture) out.set(routeName(route), route.capture);
  return out;
}

/**
 * The captured fields of a destination's answer (its first KiB, JSON): each name's first path
 * that holds a string or a finite number. Null when nothing was captured.
 */
export function captureFields(
  capture: Capture | undefined,
  response: string | null,
): Record<string, string> | null {
  if (capture === undefined || !response) return null;
  let json: unknown;
  try {
    json = JSON.parse(response);
  } catch {
    return null;
  }
  let out: Record<string, string> | null = null;
  for (const [name, paths] of Object.entries(capture)) {
    for (const path of paths) {
      const value = stringAt(json, path);
      if (value === undefined) continue;
      (out ??= {})[name] = value;
      break;
    }
  }
  return out;
}
