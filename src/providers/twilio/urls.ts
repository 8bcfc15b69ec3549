import { parse as parseQuery, stringify as stringifyQuery } from 'node:querystring';

/**
 * The URL Twilio signed: the source's configured public URL, then the subpath and the query
 * string exactly as the request carried them. Twilio signs the URL as configured in its console;
 * it requests that same URL, so its query arrives verbatim (plus `bodySHA256` for JSON bodies).
 */
export function signedUrl(publicUrl: string, subpath: string, requestUrl: string): string {
  const q = requestUrl.indexOf('?');
  return publicUrl + subpath + (q < 0 ? '' : requestUrl.slice(q));
}

/** The query of a URL (after the first `?`), or ''. */
export function queryOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? '' : url.slice(q + 1);
}

interface UrlParts {
  readonly scheme: string;
  readonly userInfo: string;
  readonly host: string;
  readonly port: string;
  readonly rest: string;
}

/** Splits without normalising (new URL() would re-encode the path and query). */
function splitUrl(url: string): UrlParts | undefined {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(url);
  if (!match) return undefined;
  const [prefix, scheme = '', authority = ''] = match;
  const userInfoEnd = authority.lastIndexOf('@');
  const hostAndPort = authority.slice(userInfoEnd + 1);
  // In an IPv6 literal the port colon comes after the closing bracket.
  const portStart = hostAndPort.indexOf(':', hostAndPort.lastIndexOf(']') + 1);
  return {
    scheme,
    userInfo: authority.slice(0, userInfoEnd + 1),
    host: portStart < 0 ? hostAndPort : hostAndPort.slice(0, portStart),
    port: portStart < 0 ? '' : hostAndPort.slice(portStart),
    rest: url.slice(prefix.length),
  };
}

function addPort(url: string): string {
  const p = splitUrl(url);
  if (!p || p.port) return url;
  const port = p.scheme.toLowerCase() === 'https://' ? ':443' : ':80';
  return p.scheme + p.userInfo + p.host + port + p.rest;
}

function removePort(url: string): string {
  const p = splitUrl(url);
  return p ? p.scheme + p.userInfo + p.host + p.rest : url;
}

function withLegacyQuerystring(url: string): string {
  const q = url.indexOf('?');
  if (q < 0 || q === url.length - 1) return url;
  return url.slice(0, q) + '?' + stringifyQuery(parseQuery(url.slice(q + 1)));
}

/**
 * The URL forms Twilio may have signed, as twilio-node's validateRequest tries them: with and
 * without the default port (Twilio has signed both), then the WHATWG-normalised URL with and
 * without the port, each also with the query re-encoded by the legacy querystring module (some
 * Twilio back ends signed an escaped query). All come from the one URL, so none widens what a
 * forger controls: each still needs the HMAC key.
 */
export function candidateUrls(url: string): string[] {
  const out = new Set([removePort(url), addPort(url)]);
  let normalized: string | undefined;
  try {
    normalized = new URL(url).toString();
  } catch {
    normalized = undefined;
  }
  if (normalized !== undefined) {
    const without = removePort(normalized);
    const withPort = addPort(normalized);
    for (const u of [
      without,
      withPort,
      withLegacyQuerystring(without),
      withLegacyQuerystring(withPort),
    ])
      out.add(u);
  }
  return [...out];
}
