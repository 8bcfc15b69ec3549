// wp_specialchars_decode($text, ENT_QUOTES), as WordPress core writes it: zero-padded numeric
// entities are normalised first, then one strtr() pass replaces the table's entities.
const normalise: readonly (readonly [RegExp, string])[] = [
  [/&#0*39;/g, '&#039;'],
  [/&#x0*27;/gi, '&#x27;'],
  [/&#0*34;/g, '&#034;'],
  [/&#x0*22;/gi, '&#x22;'],
  [/&#0*60;/g, '&#060;'],
  [/&#0*62;/g, '&#062;'],
  [/&#0*38;/g, '&#038;'],
  [/&#x0*26;/gi, '&#x26;'],
];

const table: Readonly<Record<string, string>> = {
  '&#039;': "'",
  '&#x27;': "'",
  '&quot;': '"',
  '&#034;': '"',
  '&#x22;': '"',
  '&lt;': '<',
  '&#060;': '<',
  '&gt;': '>',
  '&#062;': '>',
  '&amp;': '&',
  '&#038;': '&',
  '&#x26;': '&',
};

// strtr() tries the longest key first and never rescans what it put in; one regex pass (the
// alternatives longest first) does the same.
const entity = new RegExp(
  Object.keys(table)
    .sort((a, b) => b.length - a.length)
    .join('|'),
  'g',
);

/**
 * The HMAC key WooCommerce uses: the webhook's secret through
 * `wp_specialchars_decode($secret, ENT_QUOTES)` (`&amp;` → `&`, `&#039;` → `'`, …).
 */
export function woocommerceKey(secret: string): string {
  if (!secret.includes('&')) return secret;
  let text = secret;
  for (const [pattern, replacement] of normalise) text = text.replace(pattern, replacement);
  return text.replace(entity, (match) => table[match] ?? match);
}
