import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import type { StoredEvent } from '../store/store.ts';
import type { Transform, TransformResult } from './types.ts';

export interface ModuleTransformOptions {
  /** Wall-clock limit of one call (ms). */
  readonly timeoutMs: number;
}

/** What an operator's module sees of an event: plain data, no handles. */
function eventView(event: StoredEvent) {
  const body = event.body.toString('utf8');
  let json: unknown = null;
  try {
    json = JSON.parse(body);
  } catch {
    // not JSON: `json` stays null, `body` has the text
  }
  return {
    id: event.id,
    source: event.source,
    provider: event.provider,
    providerEventId: event.providerEventId,
    eventType: event.eventType,
    method: event.method,
    url: event.url,
    headers: event.headers,
    receivedAt: event.receivedAt,
    body,
    json,
  };
}

/**
 * An operator-supplied module exporting `transform(event) → {body, headers?} | null`
 * (`exports.transform = …`, `module.exports = {transform}`, `export function transform`, or a
 * top-level `function transform`). It runs in its own V8 context with no `require`, no
 * `process`, no timers and no network APIs, under a time limit per call. A `vm` context is not
 * a security boundary against hostile code: it keeps an operator's transform honest (no I/O, no
 * runaway loops), which is what it is for.
 */
export function loadModuleTransform(path: string, options: ModuleTransformOptions): Transform {
  // `export function transform` → a plain declaration the script can see.
  const source = readFileSync(path, 'utf8').replace(
    /^\s*export\s+(?=(async\s+)?function\s+transform\b|(const|let|var)\s+transform\b)/m,
    '',
  );
  const context = vm.createContext(
    { module: { exports: {} }, exports: {}, console: { log() {}, warn() {}, error() {} } },
    { codeGeneration: { strings: false, wasm: false } },
  );
  const script = new vm.Script(
    `${source}\n;globalThis.__transform = (module.exports && module.exports.transform) || exports.transform || (typeof transform === 'function' ? transform : undefined);`,
    { filename: path },
  );
  script.runInContext(context, { timeout: options.timeoutMs });
  if (typeof (context as { __transform?: unknown }).__transform !== 'function')
    throw new Error(`${path} does not export a transform(event) function`);
  // The call happens inside the context too, so the time limit covers it.
  const call = new vm.Script('__result = __transform(JSON.parse(__input));', {
    filename: `${path}#transform`,
  });

  return {
    name: path,
    run(event: StoredEvent): TransformResult {
      const ctx = context as { __input?: string; __result?: unknown };
      ctx.__input = JSON.stringify(eventView(event));
      ctx.__result = undefined;
      try {
        call.runInContext(context, { timeout: options.timeoutMs });
      } catch (err) {
        const timedOut = (err as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
        return {
          kind: 'failed',
          error: timedOut
            ? `transform timed out after ${options.timeoutMs} ms`
            : `transform threw: ${String((err as Error)?.message ?? err).slice(0, 500)}`,
        };
      }
      return resultOf(ctx.__result);
    },
  };
}

/** Checks what the module returned: null, or {body, headers?}. */
function resultOf(value: unknown): TransformResult {
  if (value === null) return { kind: 'skip' };
  if (
    typeof value !== 'object' ||
    value === undefined ||
    typeof (value as Promise<unknown>).then === 'function'
  )
    return {
      kind: 'failed',
      error: 'transform must return {body, headers?} or null, synchronously',
    };
  const { body, headers } = value as { body?: unknown; headers?: unknown };
  if (body === undefined) return { kind: 'failed', error: 'transform result has no body' };
  const out: Record<string, string> = {};
  if (headers !== undefined) {
    if (typeof headers !== 'object' || headers === null)
      return { kind: 'failed', error: 'transform headers must be an object' };
    for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = String(v);
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  if (typeof body !== 'string' && out['content-type'] === undefined)
    out['content-type'] = 'application/json';
  return { kind: 'send', body: text, headers: out };
}
