import type Big from 'big.js';
import { parseMoney } from './money.ts';

/** Reading untyped provider JSON: lookups that never throw, and a list of what was wrong. */

export type Json = Record<string, unknown>;

/** `customer` + `phone` → `customer.phone`; top level has no prefix. */
export function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asObject(value: unknown): Json {
  return isObject(value) ? value : {};
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The first of `keys` present (not null/undefined) in `object`, with the key it was found at. */
export function pick(
  object: Json,
  keys: readonly string[],
): { key: string; value: unknown } | null {
  for (const key of keys) {
    const value = object[key];
    if (value !== undefined && value !== null) return { key, value };
  }
  return null;
}

/**
 * Reads fields by their alternative names and notes every value of the wrong kind, as
 * `<path> <reason>`, so one pass reports all problems of a payload.
 */
export class FieldReader {
  readonly reasons: string[] = [];

  constructor(private readonly decimals: number) {}

  problem(reason: string): void {
    this.reasons.push(reason);
  }

  /** Text (numbers accepted: ids are often numeric), trimmed; empty is absent. */
  text(object: Json, keys: readonly string[], path: string): string | null {
    const found = pick(object, keys);
    if (!found) return null;
    if (typeof found.value === 'number' && Number.isFinite(found.value)) return String(found.value);
    if (typeof found.value !== 'string') {
      this.problem(`${join(path, found.key)} is not text`);
      return null;
    }
    const text = found.value.trim();
    return text === '' ? null : text;
  }

  money(object: Json, keys: readonly string[], path: string): Big | null {
    const found = pick(object, keys);
    if (!found) return null;
    const result = parseMoney(found.value, this.decimals);
    if (result.ok) return result.value;
    this.problem(`${join(path, found.key)} ${result.reason}`);
    return null;
  }

  /** A whole count ≥ 1 (`2` or `"2"`). */
  quantity(object: Json, keys: readonly string[], path: string): number | null {
    const found = pick(object, keys);
    if (!found) return null;
    const n =
      typeof found.value === 'string' && /^\d+$/.test(found.value.trim())
        ? Number(found.value.trim())
        : found.value;
    if (typeof n === 'number' && Number.isSafeInteger(n) && n >= 1) return n;
    this.problem(
      `${join(path, found.key)} ${JSON.stringify(found.value)} is not a whole number ≥ 1`,
    );
    return null;
  }

  /** A finite number (`31.95` or `"31.95"`), for coordinates. */
  number(object: Json, keys: readonly string[], path: string): number | null {
    const found = pick(object, keys);
    if (!found) return null;
    const n =
      typeof found.value === 'string' && found.value.trim() !== ''
        ? Number(found.value)
        : found.value;
    if (typeof n === 'number' && Number.isFinite(n)) return n;
    this.problem(`${join(path, found.key)} ${JSON.stringify(found.value)} is not a number`);
    return null;
  }

  /** An instant, as ISO 8601 UTC. */
  time(object: Json, keys: readonly string[], path: string): string | null {
    const text = this.text(object, keys, path);
    if (text === null) return null;
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) {
      this.problem(`${join(path, pick(object, keys)?.key ?? '')} "${text}" is not a date-time`);
      return null;
    }
    return new Date(ms).toISOString();
  }
}
