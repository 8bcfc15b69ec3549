/**
 * Memoizes the parsing of configured public keys (Discord, SendGrid): the same few secret
 * strings arrive with every request, and parsing a key costs more than verifying with it.
 * Bounded so a reload loop cannot grow it forever; an unparseable key is remembered as null.
 */
export function keyCache<K>(
  parse: (text: string) => K | null,
  max = 64,
): (text: string) => K | null {
  const cache = new Map<string, K | null>();
  return (text) => {
    if (cache.has(text)) return cache.get(text) ?? null;
    let key: K | null;
    try {
      key = parse(text);
    } catch {
      key = null;
    }
    if (cache.size >= max) cache.delete(cache.keys().next().value as string);
    cache.set(text, key);
    return key;
  };
}
