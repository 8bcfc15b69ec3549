import { z } from 'zod';
import { stringAt } from '../domain/json-path.ts';
import type { EventIdentity, WebhookRequest } from './types.ts';

const headerName = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/, 'not a header name')
  .transform((h) => h.toLowerCase());

/**
 * Where a scheme without its own event fields finds the event id and type: a header, else a
 * dotted JSON path of the body (as generic-hmac does). Spread into a provider's options schema.
 */
export const identifyOptionsShape = {
  idHeader: headerName.optional(),
  eventIdPath: z.string().min(1).optional(),
  eventTypeHeader: headerName.optional(),
  eventTypePath: z.string().min(1).optional(),
};

export interface IdentifyOptions {
  readonly idHeader?: string | undefined;
  readonly eventIdPath?: string | undefined;
  readonly eventTypeHeader?: string | undefined;
  readonly eventTypePath?: string | undefined;
}

function fromHeader(request: WebhookRequest, name: string | undefined): string | undefined {
  return name === undefined ? undefined : request.headers[name] || undefined;
}

function fromBody(request: WebhookRequest, path: string | undefined): string | undefined {
  return path === undefined ? undefined : stringAt(request.json(), path);
}

/** Header first, then the JSON path; nothing when neither is configured or present. */
export function identifyFromOptions(request: WebhookRequest, o: IdentifyOptions): EventIdentity {
  return {
    eventId: fromHeader(request, o.idHeader) ?? fromBody(request, o.eventIdPath),
    eventType: fromHeader(request, o.eventTypeHeader) ?? fromBody(request, o.eventTypePath),
  };
}
