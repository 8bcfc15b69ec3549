import { formatPath } from './path.ts';

/**
 * `${VAR}` interpolation over the parsed YAML tree (never over the text, so a value cannot
 * inject YAML). Forms: `${VAR}`, `${VAR:-default}`, `${VAR:-@generate}` (a random secret made
 * once and kept in the data folder), and `$${` for a literal `${`.
 *
 * Nothing is guessed: a `${` that does not start a well-formed reference, or a `${VAR}` whose
 * variable is unset or empty and has no default, is a configuration error naming the variable
 * (an empty token sent to a backend, or a secret that is literally `${VAR`, is an open door).
 */
export interface InterpolationEnv {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Returns the generated secret kept under this name, creating it on first use. */
  readonly generate: (name: string) => string;
}

/** `$${`, or a reference; anything else starting with `${` is malformed. */
const reference = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$\{/g;

/** A problem with one value; the caller prefixes its path. */
export class InterpolationError extends Error {}

function malformed(value: string, at: number): InterpolationError {
  const rest = value.slice(at);
  const name = /^\$\{([A-Za-z0-9_]*)/.exec(rest)?.[1] ?? '';
  const closes = rest.includes('}');
  const shown = JSON.stringify(closes ? rest.slice(0, rest.indexOf('}') + 1) : rest.slice(0, 40));
  if (!closes && /^[A-Za-z_]/.test(name)) {
    return new InterpolationError(
      `${shown} is not closed: write \${${name}} (or $\${ for a literal \${)`,
    );
  }
  return new InterpolationError(
    `${shown} is not a \${VAR} reference (a name of letters, digits and _; $\${ for a literal \${)`,
  );
}

export function interpolateString(value: string, ctx: InterpolationEnv): string {
  return value.replace(
    reference,
    (match, name: string | undefined, fallback: string | undefined, at: number) => {
      if (match === '$${') return '${';
      if (name === undefined) throw malformed(value, at);
      const set = ctx.env[name];
      if (set !== undefined && set !== '') return set;
      if (fallback === '@generate') return ctx.generate(name);
      if (fallback !== undefined) return fallback;
      throw new InterpolationError(
        `\${${name}} is ${set === undefined ? 'not set' : 'set but empty'} (set it, or give a default: \${${name}:-…})`,
      );
    },
  );
}

/** Interpolates every string of the tree; every problem is collected as `path: message`. */
export function interpolate(
  node: unknown,
  ctx: InterpolationEnv,
  problems: string[],
  path: readonly PropertyKey[] = [],
): unknown {
  if (typeof node === 'string') {
    try {
      return interpolateString(node, ctx);
    } catch (err) {
      if (!(err instanceof InterpolationError)) throw err;
      problems.push(`${formatPath(path) || '(root)'}: ${err.message}`);
      return node;
    }
  }
  if (Array.isArray(node))
    return node.map((item, i) => interpolate(item, ctx, problems, [...path, i]));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node).map(([k, v]) => [k, interpolate(v, ctx, problems, [...path, k])]),
    );
  }
  return node;
}
