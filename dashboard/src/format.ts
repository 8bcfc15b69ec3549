/** How values are written on the pages (all as text). */

export function time(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} d`;
}

export function count(n: number, exact = true): string {
  return `${n.toLocaleString('en')}${exact ? '' : '+'}`;
}

/** A body for people: JSON indented when it is JSON, else as it is. */
export function prettyBody(body: string, encoding: 'utf8' | 'base64'): string {
  if (encoding === 'base64') return body;
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/** `{a: 1, b: 2}` as `a 1 · b 2` (counts by name). */
export function counts(record: Readonly<Record<string, number>>): string {
  const parts = Object.entries(record).map(([k, v]) => `${k} ${v}`);
  return parts.length === 0 ? '—' : parts.join(' · ');
}
