const rfc3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * An RFC 3339 timestamp (Twitch sends nanoseconds: `2019-11-16T10:11:12.634234626Z`) as whole
 * Unix seconds, floored; undefined unless it is exactly that format with in-range fields.
 */
export function parseRfc3339Seconds(text: string | undefined): number | undefined {
  const m = text === undefined ? null : rfc3339.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 31 February over to March: such a date is not a date.
  if (new Date(ms).getUTCDate() !== day) return undefined;
  const offset = m[8] ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) * 60;
  return Math.floor(ms / 1000) - offset;
}
