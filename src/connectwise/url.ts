/**
 * URLs: the API root a client is built with, and request URLs under it with their query string.
 * Shape: `https://<site>/<codebase>/apis/3.0/<area>/<resource>` (docs/connectwise.md, Base URL and
 * versions).
 */

/** The codebase most sites answer on; a site's own comes from `login/companyinfo/<companyId>`. */
export const DEFAULT_CODEBASE = 'v4_6_release';

/** The API root for a site host (`api-eu.myconnectwise.net`, or an on-premises host name). */
export function connectWiseApiUrl(host: string, codebase: string = DEFAULT_CODEBASE): string {
  const cleanHost = host
    .trim()
    .replace(/^https?:\/\//i, '')
    .replace(/\/+$/, '');
  const cleanCodebase = codebase.trim().replace(/^\/+|\/+$/g, '');
  if (!/^[A-Za-z0-9.-]+(:\d+)?$/.test(cleanHost)) throw new TypeError(`Not a ConnectWise host name: ${host}`);
  if (!/^[A-Za-z0-9_.-]+$/.test(cleanCodebase)) throw new TypeError(`Not a ConnectWise codebase: ${codebase}`);
  return `https://${cleanHost}/${cleanCodebase}/apis/3.0`;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The API root as given, checked and without a trailing slash. HTTPS only (the Authorization header
 * carries the private key), except on this machine's loopback for a stand-in; no user info, query
 * or fragment.
 */
export function normaliseBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl.trim());
  } catch {
    throw new TypeError('The ConnectWise API URL is not a URL');
  }
  const loopback = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !loopback) throw new TypeError('The ConnectWise API URL must use https');
  if (url.username || url.password || url.search || url.hash) {
    throw new TypeError('The ConnectWise API URL must not carry credentials, a query or a fragment');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export type QueryValue = string | number | undefined;

/**
 * `base/path?query`. Values are percent-encoded except `,` `/` `(` `)`, which are legal in a query
 * and common in `in (…)` lists and `fields=` (long id lists must stay short: conditions travel in the
 * URL, docs/connectwise.md, Conditions). Undefined values are left out; keys keep their order.
 */
export function buildUrl(base: string, path: string, query: Readonly<Record<string, QueryValue>> = {}): string {
  const cleanPath = path.replace(/^\/+/, '');
  const pairs = Object.entries(query)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => `${encodeQueryPart(key)}=${encodeQueryPart(String(value))}`);
  return `${base}/${cleanPath}${pairs.length > 0 ? `?${pairs.join('&')}` : ''}`;
}

function encodeQueryPart(text: string): string {
  return encodeURIComponent(text).replace(/%2C/gi, ',').replace(/%2F/gi, '/');
}

/** Path without host and query string: what the API log and errors show. */
export function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}
