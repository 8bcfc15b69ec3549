import type { z } from 'zod';

/** `sources[2].secrets` from ['sources', 2, 'secrets']. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

/**
 * One line per issue, `path: message`. A path set by an environment variable names it
 * (`PORT (server.port): …`): the file is not where the bad value is.
 */
export function formatIssues(
  error: z.ZodError,
  fromEnv: ReadonlyMap<string, string> = new Map(),
): string[] {
  return error.issues.map((i) => {
    const path = formatPath(i.path) || '(root)';
    const variable = fromEnv.get(path);
    return `${variable ? `${variable} (${path})` : path}: ${i.message}`;
  });
}
