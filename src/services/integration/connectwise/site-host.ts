/**
 * The ConnectWise site as an admin types it: the API host (`api-eu.myconnectwise.net`) or an
 * on-premises host, optionally with a port. A pasted address is forgiven its `https://` and the
 * slash after the host; anything with a path is not a host. A name without a dot that is not
 * `localhost` is refused too: no ConnectWise site has one, and it would only send the test to
 * whatever the local resolver makes of it.
 */

export const SITE_HOST_MESSAGE =
  'Enter the site’s API host alone, such as api-eu.myconnectwise.net (no path, no spaces).';

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const NAME = new RegExp(`^(?:${LABEL}\\.)+[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9](?::[0-9]{1,5})?$`);
const IPV4 =
  /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(?::[0-9]{1,5})?$/;
const LOCALHOST = /^localhost(?::[0-9]{1,5})?$/i;

/** The host without scheme and trailing slashes, as it is stored; unchanged when it is not a string. */
export function cleanSiteHost(value: unknown): unknown {
  return typeof value === 'string'
    ? value
        .trim()
        .replace(/^https?:\/\//i, '')
        .replace(/\/+$/, '')
    : value;
}

export function isSiteHost(host: string): boolean {
  return host.length <= 200 && (NAME.test(host) || IPV4.test(host) || LOCALHOST.test(host));
}
