/**
 * An error message with what varies from one occurrence to the next taken out (ids, numbers,
 * addresses, quoted values, URLs), so one failure is one pattern: "connect ECONNREFUSED
 * 10.0.0.7:8443" and "… 10.0.0.9:8443" are both "connect ECONNREFUSED <ip>". An HTTP status
 * stays: it says what happened, not to which request. Hand-written: no library groups messages
 * this way.
 */
const rules: readonly (readonly [RegExp, string])[] = [
  [/"[^"]*"|'[^']*'|`[^`]*`/g, '<text>'],
  [/\bhttps?:\/\/\S+/gi, '<url>'],
  [/\b[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\b/gi, '<id>'],
  [/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, '<ip>'],
  [/\[[0-9a-f:.]+\](?::\d+)?/gi, '<ip>'],
  // evt_01a2…, ord_1001, cus_Nf8x…: a prefix, an underscore, then letters and digits.
  [/\b[A-Za-z]+_[A-Za-z0-9]{3,}\b/g, '<id>'],
  // Tokens of 8 or more letters and digits holding a digit: ids, hashes, tokens.
  [/\b(?=[A-Za-z0-9]*\d)[A-Za-z0-9]{8,}\b/g, '<id>'],
  [/\b\d+(?:\.\d+)?\b/g, '<n>'],
];

export function errorPattern(message: string): string {
  const status = /^HTTP (\d{3})\b/.exec(message)?.[1];
  let text = message;
  for (const [pattern, replacement] of rules) text = text.replace(pattern, replacement);
  if (status !== undefined) text = text.replace(/^HTTP <n>/, `HTTP ${status}`);
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}
