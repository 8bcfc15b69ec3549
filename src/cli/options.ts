import { parseArgs, type ParseArgsConfig } from 'node:util';
import { usageError } from './cli-error.ts';

/** The gateway a command talks to, and how it prints. */
export interface Connection {
  /** The gateway's base URL (its one port serves webhooks and the admin API). */
  readonly url: string;
  readonly token: string | undefined;
}

export const defaultUrl = 'http://127.0.0.1:3002';

/** Every command that talks to a gateway takes these. */
const common = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses a command's arguments strictly: an unknown flag is a usage error (exit 2), not ignored. */
export function parseCommand<O extends Options>(
  command: string,
  argv: readonly string[],
  options: O,
) {
  try {
    const parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: { ...common, ...options },
    });
    const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
    const connection: Connection = {
      url: ((values.url as string | undefined) ?? process.env.HOOKGATE_URL ?? defaultUrl).replace(
        /\/+$/,
        '',
      ),
      token: (values.token as string | undefined) ?? process.env.ADMIN_TOKEN,
    };
    return {
      positionals: parsed.positionals,
      values: parsed.values,
      connection,
      json: values.json === true,
      help: values.help === true,
    };
  } catch (err) {
    throw usageError(`hookgate ${command}: ${(err as Error).message}`);
  }
}

/** A number flag: a whole number within bounds, or a usage error naming the flag. */
export function intFlag(
  name: string,
  value: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw usageError(`--${name} must be a whole number from ${min} to ${max}, not "${value}"`);
  return n;
}
