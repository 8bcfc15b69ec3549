import { z } from 'zod';
import { getProvider, providerNames } from '../providers/index.ts';
import { destinationSchema } from '../destinations/schema.ts';
import { cidr } from './cidr.ts';
import { capture, name, secret } from './name.ts';
import { ordering } from './ordering.ts';
import { routeFilter } from './filter.ts';
import { deadLetterSchema, replaySchema, retentionSchema } from './operations.ts';
import { duration, size } from './units.ts';
import { metricsSchema, monitoringSchema, tracingSchema } from './observability.ts';

const dedupeKey = z
  .string()
  .regex(
    /^(auto|none|body|header:[A-Za-z0-9_-]+|json:[^\s]+)$/,
    'use auto, none, body, header:<name> or json:<path>',
  );

const source = z
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

const route = z.strictObject({
  name: name.optional(),
  source: name,
  destination: name,
  filter: routeFilter.optional(),
  /** A built-in (`careem-order`, `talabat-order`) or the path of a module (from the config file). */
  transform: z.string().min(1).optional(),
  /** Fields of the destination's answer kept in the delivery's metadata (on top of the transform's). */
  capture: capture.optional(),
  /** Deliveries of one key in the order they were stored (overrides the destination's). */
  ordering: ordering.optional(),
});

export const configSchema = z
  .strictObject({
    server: z
      .strictObject({
        host: z.string().min(1).default('0.0.0.0'),
        port: z.number().int().min(0).max(65535).default(3002),
        trustedProxies: z.array(cidr).default([]),
        bodyLimit: size.prefault('1mb'),
        shutdownTimeout: duration.prefault('10s'),
        /** Time to receive a request's line and headers; then 408. */
        headersTimeout: duration.prefault('10s'),
        /** Time to receive a whole request, body included (a trickled body); then 408. */
        requestTimeout: duration.prefault('30s'),
      })
      .prefault({})
      .refine((s) => s.headersTimeout > 0 && s.requestTimeout >= s.headersTimeout, {
        message: 'headersTimeout must be above 0 and at most requestTimeout',
        path: ['headersTimeout'],
      }),
    storage: z
      .strictObject({
        url: z.string().min(1).default('sqlite:./data/hookgate.db'),
        maxBatch: z.number().int().positive().default(1000),
        busyTimeout: duration.prefault('2s'),
        poolSize: z.number().int().positive().default(10),
      })
      .prefault({}),
    admin: z
      .strictObject({
        /** Default: on when a token is set. */
        enabled: z.boolean().optional(),
        token: secret.optional(),
        /** The live event stream (GET /admin/events/stream; docs/cli.md). */
        stream: z
          .strictObject({
            /** A `: ping` comment this often, so proxies keep the stream and dead peers show. */
            ping: duration.prefault('15s'),
            /** How often each stream reads the store for new events. */
            poll: duration.prefault('500ms'),
            /**
             * An event is sent once its id is this old, in id order (default: 0 on SQLite, whose
             * one writer commits in id order; 1s on PostgreSQL, where instances commit late).
             */
            settle: duration.optional(),
            /** Events committed later than `settle` are still sent (out of order) within this. */
            overlap: duration.prefault('10s'),
          })
          .prefault({}),
      })
      .prefault({}),
    delivery: z
      .strictObject({
        enabled: z.boolean().default(true),
        concurrency: z.number().int().positive().default(50),
        pollInterval: duration.prefault('1s'),
        lease: duration.prefault('60s'),
        /** Time limit of one call of an operator's transform module. */
        transformTimeout: duration.prefault('1s'),
      })
      .prefault({}),
    redis: z
      .strictObject({
        /** Shared rate limits and breakers across instances; none: each instance on its own. */
        url: z
          .string()
          .regex(/^rediss?:\/\//, 'use redis://[user:pass@]host:port[/db] or rediss://…')
          .optional(),
        keyPrefix: z.string().min(1).default('hookgate:'),
      })
      .prefault({}),
    logging: z
      .strictObject({
        level: z
          .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
          .default('info'),
      })
      .prefault({}),
    metrics: metricsSchema,
    tracing: tracingSchema,
    monitoring: monitoringSchema,
    retention: retentionSchema,
    replay: replaySchema,
    deadLetters: deadLetterSchema,
    sources: z.array(source).default([]),
    destinations: z.array(destinationSchema).default([]),
    routes: z.array(route).default([]),
  })
  .superRefine((cfg, ctx) => {
    if (cfg.sources.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['sources'],
        message:
          'at least one source is required: without one the gateway receives nothing (see hookgate.example.yaml)',
      });
    }
    if (cfg.admin.enabled === true && cfg.admin.token === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['admin', 'token'],
        message: 'required when the admin API is enabled (set ADMIN_TOKEN)',
      });
    }
    const unique = (list: readonly { name?: string | undefined }[], key: string) => {
      const seen = new Set<string>();
      list.forEach((item, i) => {
        if (item.name === undefined) return;
        if (seen.has(item.name)) {
          ctx.addIssue({
            code: 'custom',
            path: [key, i, 'name'],
            message: `duplicate name "${item.name}"`,
          });
        }
        seen.add(item.name);
      });
    };
    unique(cfg.sources, 'sources');
    unique(cfg.destinations, 'destinations');
    unique(cfg.routes, 'routes');
    const sources = new Set(cfg.sources.map((s) => s.name));
    const destinations = new Set(cfg.destinations.map((d) => d.name));
    cfg.monitoring.criticalBreakers.forEach((d, i) => {
      if (!destinations.has(d))
        ctx.addIssue({
          code: 'custom',
          path: ['monitoring', 'criticalBreakers', i],
          message: `no destination named "${d}"`,
        });
    });
    cfg.routes.forEach((r, i) => {
      if (!sources.has(r.source)) {
        ctx.addIssue({
          code: 'custom',
          path: ['routes', i, 'source'],
          message: `no source named "${r.source}"`,
        });
      }
      if (!destinations.has(r.destination)) {
        ctx.addIssue({
          code: 'custom',
          path: ['routes', i, 'destination'],
          message: `no destination named "${r.destination}"`,
        });
      }
    });
  });

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;
export type SourceConfig = Config['sources'][number];
export type { DestinationConfig } from '../destinations/schema.ts';
export type RouteConfig = Config['routes'][number];
