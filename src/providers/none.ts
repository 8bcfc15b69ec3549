import { z } from 'zod';
import type { Provider } from '../verify/types.ts';

const options = z.strictObject({
  eventIdHeader: z.string().min(1).optional(),
  eventTypeHeader: z.string().min(1).optional(),
});

/** No verification at all: an explicit opt-in, warned about at every start. */
export const none: Provider<z.infer<typeof options>> = {
  name: 'none',
  defaultToleranceSeconds: 0,
  requiresSecret: false,
  optionsSchema: options,
  verify: () => ({ ok: true }),
  identify(request, opts) {
    return {
      eventId: opts.eventIdHeader
        ? request.headers[opts.eventIdHeader.toLowerCase()] || undefined
        : undefined,
      eventType: opts.eventTypeHeader
        ? request.headers[opts.eventTypeHeader.toLowerCase()] || undefined
        : undefined,
    };
  },
};
