import type { Matcher, RouteFilter } from '../config/filter.ts';
import { valueAt } from '../domain/json-path.ts';

export interface FilterSubject {
  readonly eventType: string | undefined;
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  readonly body: () => unknown;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*');
  return new RegExp(`^${escaped}$`);
}

function matchesEventType(patterns: string | readonly string[], type: string | undefined): boolean {
  if (type === undefined) return false;
  const list = typeof patterns === 'string' ? [patterns] : patterns;
  return list.some((p) => (p.includes('*') ? globToRegExp(p).test(type) : p === type));
}

/** True when `value` satisfies every operator of the matcher (a bare scalar means `eq`). */
export function matches(matcher: Matcher, value: unknown): boolean {
  if (matcher === null || typeof matcher !== 'object') return value === matcher;
  const m = matcher;
  const present = value !== undefined;
  if (m.exists !== undefined && m.exists !== present) return false;
  if (m.eq !== undefined && value !== m.eq) return false;
  if (m.ne !== undefined && value === m.ne) return false;
  if (m.in !== undefined && !m.in.some((v) => v === value)) return false;
  if (m.nin !== undefined && m.nin.some((v) => v === value)) return false;
  const text = typeof value === 'string' ? value : undefined;
  if (m.prefix !== undefined && !text?.startsWith(m.prefix)) return false;
  if (m.suffix !== undefined && !text?.endsWith(m.suffix)) return false;
  if (m.contains !== undefined && !text?.includes(m.contains)) return false;
  const num = typeof value === 'number' ? value : undefined;
  if (m.gt !== undefined && !(num !== undefined && num > m.gt)) return false;
  if (m.gte !== undefined && !(num !== undefined && num >= m.gte)) return false;
  if (m.lt !== undefined && !(num !== undefined && num < m.lt)) return false;
  if (m.lte !== undefined && !(num !== undefined && num <= m.lte)) return false;
  return true;
}

/** Every condition of the filter must hold; a missing filter matches everything. */
export function filterMatches(filter: RouteFilter | undefined, subject: FilterSubject): boolean {
  if (filter === undefined) return true;
  if (filter.eventType !== undefined && !matchesEventType(filter.eventType, subject.eventType)) {
    return false;
  }
  for (const [name, m] of Object.entries(filter.headers ?? {})) {
    if (!matches(m, subject.headers[name.toLowerCase()])) return false;
  }
  const body = filter.body === undefined ? undefined : subject.body();
  for (const [path, m] of Object.entries(filter.body ?? {})) {
    if (!matches(m, valueAt(body, path))) return false;
  }
  return true;
}
