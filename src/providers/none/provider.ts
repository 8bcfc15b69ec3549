import { z } from 'zod';
import type { Provider } from '../../verify/types.ts';

const headerName = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/, 'not a header name')
  .transform((h) => h.toLowerCase());

const options = z.strictObject({
  eventIdHeader: headerName.optional(),
  eventTypeHeader: headerName.optional(),
});

export type NoneOptions = z.output<typeof options>;

/**
 * No verification at all: an explicit opt-in for senders that sign nothing (or are checked by
 * IP allowlist only). The gateway warns about every such source at start.
 */
export const none: Provider<NoneOptions> = {
  name: 'none',
  defaultToleranceSeconds: 0,
  requiresSecret: false,
  optionsSchema: options,
  // Unverified: nothing it receives is a credential of its own.
  credentialHeaders: () => [],
  verify: () => ({ ok: true }),
  identify(request, o) {
    const read = (name: string | undefined) =>
      name === undefined ? undefined : request.headers[name] || undefined;
    return { eventId: read(o.eventIdHeader), eventType: read(o.eventTypeHeader) };
  },
};
