import Big from 'big.js';

/**
 * Money as exact decimals (big.js). Providers send floats (`5.5`) or strings (`"5.500"`); both
 * become a Big and leave as a string with exactly the currency's decimals.
 */

// A float that misses an allowed value by less than this is float noise (16.240000000000002).
const floatNoise = new Big('1e-9');
const decimalText = /^\d+(\.\d+)?$/;

/** Digits after the point, however the Big stores them. */
export function decimalPlaces(value: Big): number {
  return Math.max(0, value.c.length - value.e - 1);
}

export type MoneyResult = { ok: true; value: Big } | { ok: false; reason: string };

/** A non-negative amount with at most `decimals` decimals, or why not. */
export function parseMoney(raw: unknown, decimals: number): MoneyResult {
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return { ok: false, reason: `${String(raw)} is not an amount` };
    // String(n) is the shortest text that reads back as n: 2.24 stays "2.24".
    const value = new Big(String(raw));
    if (value.lt(0)) return { ok: false, reason: `${String(raw)} is negative` };
    if (decimalPlaces(value) <= decimals) return { ok: true, value };
    const rounded = value.round(decimals, Big.roundHalfUp);
    if (value.minus(rounded).abs().lt(floatNoise)) return { ok: true, value: rounded };
    return { ok: false, reason: `${String(raw)} has more than ${decimals} decimals` };
  }
  if (typeof raw === 'string') {
    const text = raw.trim();
    if (text.startsWith('-') && decimalText.test(text.slice(1)))
      return { ok: false, reason: `"${raw}" is negative` };
    if (!decimalText.test(text)) return { ok: false, reason: `"${raw}" is not an amount` };
    const value = new Big(text);
    if (decimalPlaces(value) > decimals)
      return { ok: false, reason: `"${raw}" has more than ${decimals} decimals` };
    return { ok: true, value };
  }
  return { ok: false, reason: `${JSON.stringify(raw) ?? String(raw)} is not an amount` };
}

export function formatMoney(value: Big, decimals: number): string {
  return value.toFixed(decimals, Big.roundHalfUp);
}

export const zero = new Big(0);

export function sum(values: readonly Big[]): Big {
  return values.reduce((total, value) => total.plus(value), zero);
}
