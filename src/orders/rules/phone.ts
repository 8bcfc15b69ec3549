import type { PhoneRules } from './country-rules.ts';

export type PhoneResult = { ok: true; e164: string } | { ok: false; reason: string };

// People and providers write numbers with these between digits.
const separators = /[\s\-().\u00a0]/g;

/**
 * A mobile number in E.164 (`+962791234567`) from the forms people type: national with trunk
 * prefix (`0791234567`), without it (`791234567`), with the calling code (`962…`, `00962…`,
 * `+962…`).
 */
export function normalizePhone(raw: string, rules: PhoneRules): PhoneResult {
  const compact = raw.replace(separators, '');
  const international = `${rules.internationalPrefix}${rules.callingCode}`;
  let national: string;
  if (compact.startsWith('+')) {
    if (!compact.startsWith(`+${rules.callingCode}`))
      return { ok: false, reason: `"${raw}" is not a +${rules.callingCode} number` };
    national = compact.slice(rules.callingCode.length + 1);
  } else if (compact.startsWith(international)) {
    national = compact.slice(international.length);
  } else if (compact.startsWith(rules.callingCode)) {
    national = compact.slice(rules.callingCode.length);
  } else if (compact.startsWith(rules.trunkPrefix)) {
    national = compact.slice(rules.trunkPrefix.length);
  } else {
    national = compact;
  }
  // "+962 (0)79…": a trunk prefix kept after the calling code.
  if (
    national.startsWith(rules.trunkPrefix) &&
    national !== compact.slice(rules.trunkPrefix.length)
  )
    national = national.slice(rules.trunkPrefix.length);
  if (!rules.nationalNumber.test(national))
    return {
      ok: false,
      reason: `"${raw}" is not a mobile number (expected like ${rules.example})`,
    };
  return { ok: true, e164: `+${rules.callingCode}${national}` };
}
