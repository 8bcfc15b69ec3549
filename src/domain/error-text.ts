/**
 * One line saying what went wrong, for an operator: the message, else the system code. Node's
 * connect to a name with several addresses fails with an AggregateError whose message is empty.
 */
export function errorText(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0)
    return [...new Set(err.errors.map(errorText))].join('; ');
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return (err.message || code || err.name).split('\n')[0] ?? err.name;
  }
  return String(err);
}

/** The system error code (`ECONNREFUSED`, `EADDRINUSE`), also inside an AggregateError. */
export function errorCode(err: unknown): string | undefined {
  if (err instanceof AggregateError) return err.errors.map(errorCode).find((c) => c !== undefined);
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
