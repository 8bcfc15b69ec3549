import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { GeneratedSecrets } from './generated-secrets.ts';
import { interpolate } from './interpolate.ts';
import { configSchema, type Config } from './schema.ts';

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid configuration in ${file}:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadedConfig {
  readonly config: Config;
  readonly file: string;
  readonly dataDir: string;
  /** Names of secrets generated for this start (print them once). */
  readonly generatedSecrets: readonly string[];
  /** Source name → the variable its first secret comes from (`${STRIPE_SECRET}`), for hints. */
  readonly secretVariables: ReadonlyMap<string, string>;
}

/** Reads, before interpolation, which `${VAR}` each source's first secret refers to. */
function secretVariablesOf(doc: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  const sources = Array.isArray(doc.sources) ? (doc.sources as unknown[]) : [];
  for (const s of sources) {
    const src = s as { name?: unknown; secrets?: unknown };
    const first = Array.isArray(src.secrets) ? (src.secrets as unknown[])[0] : undefined;
    const match = typeof first === 'string' ? /^\$\{([A-Za-z_][A-Za-z0-9_]*)/.exec(first) : null;
    if (typeof src.name === 'string' && match?.[1]) out.set(src.name, match[1]);
  }
  return out;
}

type Env = Readonly<Record<string, string | undefined>>;

/** `sources[2].secrets` from ['sources', 2, 'secrets']. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${formatPath(i.path) || '(root)'}: ${i.message}`);
}

export function resolveConfigFile(env: Env, cwd = '.'): string {
  if (env.HOOKGATE_CONFIG) return env.HOOKGATE_CONFIG;
  const own = `${cwd}/hookgate.yaml`;
  return existsSync(own) ? own : `${cwd}/hookgate.example.yaml`;
}

/**
 * Environment overrides win over the file: PORT, HOST, DATABASE_URL, REDIS_URL, LOG_LEVEL,
 * ADMIN_TOKEN, METRICS_PORT and the OTEL_* variables.
 */
function applyOverrides(raw: Record<string, unknown>, env: Env): Record<string, unknown> {
  const section = (key: string) => ({
    ...((raw[key] as Record<string, unknown> | undefined) ?? {}),
  });
  const server = section('server');
  const storage = section('storage');
  const logging = section('logging');
  const admin = section('admin');
  const redis = section('redis');
  if (env.PORT) server.port = Number(env.PORT);
  if (env.HOST) server.host = env.HOST;
  if (env.DATABASE_URL) storage.url = env.DATABASE_URL;
  if (env.REDIS_URL) redis.url = env.REDIS_URL;
  if (env.LOG_LEVEL) logging.level = env.LOG_LEVEL;
  if (env.ADMIN_TOKEN) admin.token = env.ADMIN_TOKEN;
  const metrics = section('metrics');
  if (env.METRICS_PORT) metrics.port = Number(env.METRICS_PORT);
  return {
    ...raw,
    server,
    storage,
    logging,
    admin,
    redis,
    metrics,
    tracing: otelOverrides(section('tracing'), env),
  };
}

/** `k=v,k2=v2` with URL-encoded values (the OTLP exporter's header format). */
function otelHeaders(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    if (at > 0) out[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return out;
}

/**
 * The standard OpenTelemetry variables, read here like every other one (the SDK is then handed
 * explicit values): the traces endpoint, the headers, the service name, the sampler, and
 * OTEL_SDK_DISABLED.
 */
function otelOverrides(tracing: Record<string, unknown>, env: Env): Record<string, unknown> {
  const out = { ...tracing };
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) out.endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  else if (base) out.endpoint = `${base.replace(/\/+$/, '')}/v1/traces`;
  const headers = env.OTEL_EXPORTER_OTLP_TRACES_HEADERS ?? env.OTEL_EXPORTER_OTLP_HEADERS;
  if (headers) out.headers = { ...(out.headers as object | undefined), ...otelHeaders(headers) };
  if (env.OTEL_SERVICE_NAME) out.serviceName = env.OTEL_SERVICE_NAME;
  if (env.OTEL_BSP_SCHEDULE_DELAY) out.exportDelay = Number(env.OTEL_BSP_SCHEDULE_DELAY);
  const sampler = env.OTEL_TRACES_SAMPLER;
  if (sampler === 'always_on' || sampler === 'parentbased_always_on') out.sampleRatio = 1;
  else if (sampler === 'always_off' || sampler === 'parentbased_always_off') out.sampleRatio = 0;
  else if (sampler?.endsWith('traceidratio') && env.OTEL_TRACES_SAMPLER_ARG)
    out.sampleRatio = Number(env.OTEL_TRACES_SAMPLER_ARG);
  if (env.OTEL_SDK_DISABLED === 'true') delete out.endpoint;
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Transform modules and payload schemas are paths relative to the config file; they must exist. */
function resolveTransformPaths(config: Config, file: string): Config {
  const problems: string[] = [];
  const routes = config.routes.map((route, i) => {
    // A built-in is a plain name (`careem-order`), checked when the transforms are built; a
    // module is a path: it has a folder or a script's extension.
    if (route.transform === undefined || !/[/\\]|\.[cm]?[jt]s$/.test(route.transform)) return route;
    const path = resolve(dirname(file), route.transform);
    if (!existsSync(path)) problems.push(`routes[${i}].transform: no built-in and no file ${path}`);
    return { ...route, transform: path };
  });
  const sources = config.sources.map((source, i) => {
    if (typeof source.schema !== 'string') return source;
    const path = resolve(dirname(file), source.schema);
    try {
      return {
        ...source,
        schema: JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>,
      };
    } catch (err) {
      problems.push(`sources[${i}].schema: cannot read ${path}: ${(err as Error).message}`);
      return source;
    }
  });
  if (problems.length > 0) throw new ConfigError(file, problems);
  return { ...config, routes, sources };
}

/** Parses and validates a config document; throws ConfigError naming every bad path. */
export function parseConfig(
  text: string,
  opts: { file: string; env: Env; dataDir: string },
): LoadedConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text) ?? {};
  } catch (err) {
    throw new ConfigError(opts.file, [`(yaml): ${(err as Error).message}`]);
  }
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError(opts.file, ['(root): must be a mapping']);
  }
  const secrets = new GeneratedSecrets(opts.dataDir);
  const interpolated = interpolate(doc, { env: opts.env, generate: (n) => secrets.get(n) });
  const parsed = configSchema.safeParse(
    applyOverrides(interpolated as Record<string, unknown>, opts.env),
  );
  if (!parsed.success) throw new ConfigError(opts.file, formatIssues(parsed.error));
  const config = resolveTransformPaths(parsed.data, opts.file);
  return {
    config: deepFreeze(config),
    file: opts.file,
    dataDir: opts.dataDir,
    generatedSecrets: secrets.created,
    secretVariables: secretVariablesOf(doc as Record<string, unknown>),
  };
}

/** The one place that reads process.env and the config file. */
export function loadConfig(env: Env = process.env): LoadedConfig {
  const file = resolveConfigFile(env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [
      `(file): cannot read: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
    ]);
  }
  return parseConfig(text, { file, env, dataDir: env.HOOKGATE_DATA_DIR ?? './data' });
}
