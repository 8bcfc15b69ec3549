import { z } from 'zod';
import { destinationSchema } from '../destinations/schema.ts';
import { defaultTenant } from '../domain/tenant.ts';
import { cidr } from './cidr.ts';
import { secret } from './name.ts';
import { deadLetterSchema, replaySchema, retentionSchema } from './operations.ts';
import { routeSchema } from './route.ts';
import { sourceSchema } from './source.ts';
import { checkTenantLists, checkTenants, flattenTenants, tenantSchema } from './tenants.ts';
import { duration, size } from './units.ts';
import { metricsSchema, monitoringSchema, tracingSchema } from './observability.ts';

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
        /** The web dashboard at /dashboard (with the admin API only: it reads nothing else). */
        dashboard: z.boolean().default(true),
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
    /** The default tenant's. */
    sources: z.array(sourceSchema).default([]),
    destinations: z.array(destinationSchema).default([]),
    routes: z.array(routeSchema).default([]),
    /** Each with its own sources, destinations, routes and scoped admin tokens (docs/tenancy.md). */
    tenants: z.array(tenantSchema).default([]),
  })
  .superRefine((cfg, ctx) => {
    const tenantSources = cfg.tenants.reduce((n, t) => n + t.sources.length, 0);
    if (cfg.sources.length + tenantSources === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['sources'],
        message:
          'at least one source is required: without one the gateway receives nothing (see hookgate.example.yaml)',
      });
    }
    const tenantTokens = cfg.tenants.some((t) => t.adminTokens.length > 0);
    if (cfg.admin.enabled === true && cfg.admin.token === undefined && !tenantTokens) {
      ctx.addIssue({
        code: 'custom',
        path: ['admin', 'token'],
        message: 'required when the admin API is enabled (set ADMIN_TOKEN)',
      });
    }
    const all = { top: cfg, tenants: cfg.tenants };
    checkTenantLists(ctx, [], defaultTenant, cfg, all);
    checkTenants(ctx, cfg.tenants, cfg, cfg.admin.token);
    // A tenant's destination is named `<tenant>/<name>` here, as everywhere outside its own list.
    const destinations = new Set(flattenTenants(cfg, cfg.tenants).destinations.map((d) => d.name));
    cfg.monitoring.criticalBreakers.forEach((d, i) => {
      if (!destinations.has(d))
        ctx.addIssue({
          code: 'custom',
          path: ['monitoring', 'criticalBreakers', i],
          message: `no destination named "${d}"`,
        });
    });
  })
  .transform((cfg) => ({ ...cfg, ...flattenTenants(cfg, cfg.tenants) }));

export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;
export type SourceConfig = Config['sources'][number];
export type { DestinationConfig } from '../destinations/schema.ts';
export type RouteConfig = Config['routes'][number];
export type { TenantConfig } from './tenants.ts';
