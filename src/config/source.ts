import { z } from 'zod';
import { getProvider, providerNames } from '../providers/index.ts';
import { cidr } from './cidr.ts';
import { name, secret } from './name.ts';
import { duration, size } from './units.ts';

const dedupeKey = z
  .string()
  .regex(
    /^(auto|idAndType|none|body|header:[A-Za-z0-9_-]+|json:[^\s]+)$/,
    'use auto, idAndType, none, body, header:<name> or json:<path>',
  );

/** One source: where a provider posts, how it is verified, limited and deduplicated. */
export const sourceSchema = z
  .strictObject({
    // `events` would be shadowed by the seed's admin path /api/v1/webhooks/events/:id, `health`
    // by seed 001's GET /api/webhooks/health/:source.
    name: name.refine((n) => n !== 'events' && n !== 'health', { message: 'is reserved' }),
    provider: z.string().refine((p) => providerNames.includes(p), {
      message: `unknown provider (known: ${providerNames.join(', ')})`,
    }),
    secrets: z.array(secret).default([]),
    toleranceSeconds: z.number().int().nonnegative().optional(),
    options: z.record(z.string(), z.unknown()).default({}),
    allowIps: z.array(cidr).optional(),
    rateLimit: z
      .strictObject({
        points: z.number().int().positive(),
        duration: z.number().positive().default(1),
        blockDuration: z.number().nonnegative().default(0),
        key: z.enum(['ip', 'source']).default('ip'),
      })
      .optional(),
    bodyLimit: size.optional(),
    dedupe: z
      .strictObject({ key: dedupeKey.default('auto'), window: duration.prefault('7d') })
      .prefault({}),
    /**
     * Okta-style endpoint verification: a request carrying `header` is answered
     * `{"<field>": <its value>}` (any provider; the platform sends it unsigned, GET or POST).
     */
    /**
     * A JSON Schema the payloads must match (inline, or a file path relative to the config file):
     * an event that does not is quarantined, never delivered.
     */
    schema: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional(),
    /** Restaurant orders (the `careem-order` / `talabat-order` transforms): branch mapping. */
    orders: z
      .strictObject({
        /** The provider's merchant / vendor id → the backend's branch and company. */
        branches: z.record(
          z.string(),
          z.strictObject({ branchId: z.string().min(1), companyId: z.string().min(1) }),
        ),
        country: z.enum(['JO']).default('JO'),
      })
      .optional(),
    /**
     * A custom synchronous answer once the event is stored, instead of Hookgate's JSON;
     * `{{eventId}}` and `{{requestId}}` in the body are replaced.
     */
    response: z
      .strictObject({
        status: z.number().int().min(200).max(299).default(200),
        contentType: z.string().min(1).default('application/json'),
        body: z.string(),
      })
      .optional(),
    verificationChallenge: z
      .strictObject({
        header: z
          .string()
          .min(1)
          .transform((h) => h.toLowerCase())
          .default('x-okta-verification-challenge'),
        field: z.string().min(1).default('verification'),
      })
      .optional(),
  })
  .transform((src, ctx) => {
    const provider = getProvider(src.provider);
    if (provider === undefined) return z.NEVER; // reported by the refine above
    if (provider.requiresSecret && src.secrets.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['secrets'], message: 'required' });
    }
    const options = provider.optionsSchema.safeParse(src.options);
    if (!options.success) {
      for (const issue of options.error.issues) {
        ctx.addIssue({ code: 'custom', path: ['options', ...issue.path], message: issue.message });
      }
      return z.NEVER;
    }
    return {
      ...src,
      options: options.data,
      toleranceSeconds: src.toleranceSeconds ?? provider.defaultToleranceSeconds,
    };
  });
