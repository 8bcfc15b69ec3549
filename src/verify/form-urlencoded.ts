/**
 * Parses an `application/x-www-form-urlencoded` body into decoded values per name, in order
 * (a repeated name keeps every value). Decoding is the WHATWG one: `+` is a space, `%XX` bytes
 * are UTF-8 (invalid sequences become U+FFFD).
 */
export function parseForm(body: Buffer | string): Map<string, string[]> {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  const out = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(text)) {
    const values = out.get(name);
    if (values === undefined) out.set(name, [value]);
    else values.push(value);
  }
  return out;
}

/** The first value of a field, or undefined. */
export function firstValue(form: ReadonlyMap<string, readonly string[]>, name: string) {
  return form.get(name)?.[0];
}
