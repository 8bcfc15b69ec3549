import { Ajv, type ErrorObject } from 'ajv';
import type { StoredEvent } from '../store/store.ts';
import type { Transform, TransformResult } from './types.ts';

const ajv = new Ajv({ allErrors: true, strict: false });

/** `/items/0/price must be number`: where and what, as an operator reads it. */
function reasonOf(e: ErrorObject): string {
  return `${e.instancePath || '(body)'} ${e.message ?? 'is invalid'}`.trim();
}

/**
 * A source's JSON Schema in front of a route's transform (or of sending the event as received):
 * an event that does not match is quarantined with ajv's reasons, never sent.
 */
export function withPayloadSchema(schema: object, next: Transform | undefined): Transform {
  const validate = ajv.compile(schema);
  return {
    name: next ? `schema+${next.name}` : 'schema',
    run(event: StoredEvent, now: number): TransformResult {
      let body: unknown;
      try {
        body = JSON.parse(event.body.toString('utf8'));
      } catch {
        return { kind: 'quarantine', reasons: ['body is not JSON'] };
      }
      if (!validate(body))
        return { kind: 'quarantine', reasons: (validate.errors ?? []).map(reasonOf) };
      return next ? next.run(event, now) : { kind: 'pass' };
    },
  };
}
