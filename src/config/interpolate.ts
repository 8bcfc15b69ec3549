/**
 * `${VAR}` interpolation over the parsed YAML tree (never over the text, so a value cannot
 * inject YAML). Forms: `${VAR}`, `${VAR:-default}`, `${VAR:-@generate}` (a random secret made
 * once and kept in the data folder), and `$${` for a literal `${`.
 */
export interface InterpolationEnv {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Returns the generated secret kept under this name, creating it on first use. */
  readonly generate: (name: string) => string;
}

const pattern = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function interpolateString(value: string, ctx: InterpolationEnv): string {
  return value.replace(pattern, (match, name: string | undefined, fallback: string | undefined) => {
    if (match === '$${') return '${';
    const set = ctx.env[name as string];
    if (set !== undefined && set !== '') return set;
    if (fallback === '@generate') return ctx.generate(name as string);
    return fallback ?? '';
  });
}

export function interpolate(node: unknown, ctx: InterpolationEnv): unknown {
  if (typeof node === 'string') return interpolateString(node, ctx);
  if (Array.isArray(node)) return node.map((item) => interpolate(item, ctx));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolate(v, ctx)]));
  }
  return node;
}
