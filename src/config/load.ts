import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { GeneratedSecrets } from './generated-secrets.ts';
import { interpolate } from './interpolate.ts';
import { formatIssues, formatPath } from './path.ts';
import { configSchema, type Config } from './schema.ts';
import { parseYamlText } from './yaml.ts';

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

export function resolveConfigFile(env: Env, cwd = '.'): string {
  if (env.HOOKGATE_CONFIG) return env.HOOKGATE_CONFIG;
  const own = `${cwd}/hookgate.yaml`;
  return existsSync(own) ? own : `${cwd}/hookgate.example.yaml`;
}

/** The variables that override a key of the file, by the key's path. */
const overrides = [
  ['PORT', 'server', 'port'],
  ['HOST', 'server', 'host'],
  ['DATABASE_URL', 'storage', 'url'],
  ['REDIS_URL', 'redis', 'url'],
  ['LOG_LEVEL', 'logging', 'level'],
  ['ADMIN_TOKEN', 'admin', 'token'],
  ['METRICS_PORT', 'metrics', 'port'],
] as const;

/**
 * Environment overrides win over the file: PORT, HOST, DATABASE_URL, REDIS_URL, LOG_LEVEL,
 * ADMIN_TOKEN, METRICS_PORT, then the OTEL_* variables. Returns the paths they set, so a bad value is reported under the variable's name.
 */
function applyOverrides(
  raw: Record<string, unknown>,
  env: Env,
): { doc: Record<string, unknown>; fromEnv: Map<string, string> } {
  const doc: Record<string, unknown> = { ...raw };
  const fromEnv = new Map<string, string>();
  for (const [variable, section, key] of overrides) {
    const value = env[variable];
    if (!value) continue;
    const current = doc[section];
    const copy =
      current !== null && typeof current === 'object' && !Array.isArray(current)
        ? { ...(current as Record<string, unknown>) }
        : {};
    // A port is a number: anything else stays text, for the schema to refuse by its name.
    copy[key] = variable.endsWith('PORT') && /^\d+$/.test(value) ? Number(value) : value;
    doc[section] = copy;
    fromEnv.set(`${section}.${key}`, variable);
  }
  const tracing = doc.tracing;
  doc.tracing = otelOverrides(
    tracing !== null && typeof tracing === 'object'
      ? { ...(tracing as Record<string, unknown>) }
      : {},
    env,
  );
  return { doc, fromEnv };
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

/**
 * Freezes the configuration, which must be plain data (objects, arrays, text, numbers): a
 * runtime object (a client, a cache, an agent) kept in it breaks the first time it changes its
 * own state. Runtimes are built from the config (SourceRuntime, a provider's `runtime`).
 */
function deepFreeze<T>(value: T, path: readonly PropertyKey[] = []): T {
  if (value === null || typeof value !== 'object') return value;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) {
    const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    throw new Error(
      `the configuration holds a runtime object (${kind}) at ${formatPath(path)}: build it from the config instead`,
    );
  }
  Object.freeze(value);
  for (const [k, v] of Object.entries(value))
    deepFreeze(v, [...path, Array.isArray(value) ? Number(k) : k]);
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

const emptyFileHint =
  'it is empty: a gateway needs at least one source (copy hookgate.example.yaml; every key: docs/configuration.md)';

/** Parses and validates a config document; throws ConfigError naming every bad path. */
export function parseConfig(
  text: string,
  opts: { file: string; env: Env; dataDir: string },
): LoadedConfig {
  const parsedYaml = parseYamlText(text);
  if (!parsedYaml.ok) throw new ConfigError(opts.file, parsedYaml.problems);
  const doc = parsedYaml.value;
  if (doc === null || doc === undefined)
    throw new ConfigError(opts.file, [`(file): ${emptyFileHint}`]);
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError(opts.file, ['(root): must be a mapping']);
  }
  const secrets = new GeneratedSecrets(opts.dataDir);
  const problems: string[] = [];
  const interpolated = interpolate(
    doc,
    { env: opts.env, generate: (n) => secrets.get(n) },
    problems,
  );
  if (problems.length > 0) throw new ConfigError(opts.file, problems);
  const { doc: overridden, fromEnv } = applyOverrides(
    interpolated as Record<string, unknown>,
    opts.env,
  );
  const parsed = configSchema.safeParse(overridden);
  if (!parsed.success) throw new ConfigError(opts.file, formatIssues(parsed.error, fromEnv));
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
