import pg from 'pg';

/** NUL as stored text has it (src/store/text.ts). */
function safeText(value: unknown): unknown {
  if (typeof value === 'string')
    return value.includes('\u0000') ? value.replaceAll('\u0000', '\ufffd') : value;
  if (Array.isArray(value)) return value.map(safeText);
  return value;
}

function safeValues(values: unknown): unknown {
  return Array.isArray(values) ? values.map(safeText) : values;
}

/**
 * A PostgreSQL text (and a text parameter) cannot hold NUL: one in a parameter fails the
 * statement ("invalid byte sequence"), so an id asked for with NUL (`GET /admin/events/%00`)
 * answered 500 on PostgreSQL and 404 on SQLite. Every string parameter, and each string of an
 * array parameter, is sent with NUL as U+FFFD, as stored text has it: a lookup then finds what
 * was stored for that text, as on SQLite. Bytes (bytea, Buffers) are never changed; text inside
 * a json parameter is escaped and is stored through wellFormed() instead.
 */
export class TextSafeClient extends pg.Client {
  // pg's overloads all take (config or text, values?, callback?): only the values change.
  override query(...args: unknown[]): never {
    const [first, second] = args;
    // A plain query config only: a submittable (a cursor, a Query) is passed on as it is.
    if (
      typeof first === 'object' &&
      first !== null &&
      Object.getPrototypeOf(first) === Object.prototype &&
      'values' in first
    )
      args[0] = { ...(first as object), values: safeValues((first as { values: unknown }).values) };
    if (Array.isArray(second)) args[1] = safeValues(second);
    return (super.query as (...a: unknown[]) => never)(...args);
  }
}
