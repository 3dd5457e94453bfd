/**
 * Credentials (docs/connectwise.md, Authentication and the API member):
 * `Authorization: Basic base64(companyId+publicKey:privateKey)` and a `clientId` header on every API call. Header
 * names are case-insensitive (Node lower-cases them).
 *
 * Assumed where ConnectWise does not say (docs/connectwise.md, Open questions): the company id is compared without
 * regard to letter case (it is typed at login that way), the keys exactly; a missing or unknown clientId is a 401 like
 * bad keys (one vendor reports a 400 mentioning clientId instead); the messages are the simulator's own. Only the
 * `Unauthorized` code is confirmed, by a client that branches on it.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { forbidden, unauthorized } from './errors.ts';
import type { ConnectWiseState } from './store.ts';

export const MISSING_AUTHORIZATION = 'The Authorization header is missing or is not Basic authentication.';
export const BAD_CREDENTIALS = 'The company id, public key or private key is not valid.';
export const MISSING_CLIENT_ID = 'The clientId header is required.';
export const UNKNOWN_CLIENT_ID = 'The clientId is not registered.';

export interface Login {
  companyId: string;
  publicKey: string;
  privateKey: string;
}

/** Decodes `Basic base64(companyId+publicKey:privateKey)`, or null when it is not of that form. */
export function decodeAuthorization(value: string | undefined): Login | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(value ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return null;
  const user = decoded.slice(0, colon);
  const plus = user.indexOf('+');
  if (plus <= 0) return null;
  return { companyId: user.slice(0, plus), publicKey: user.slice(plus + 1), privateKey: decoded.slice(colon + 1) };
}

/** Throws the 401 ConnectWise would send; returns the login for the request log. */
export function authenticate(state: ConnectWiseState, headers: IncomingHttpHeaders): Login {
  const login = decodeAuthorization(header(headers, 'authorization'));
  if (!login) throw unauthorized(MISSING_AUTHORIZATION);
  const expected = state.credentials;
  if (
    login.companyId.toLowerCase() !== expected.companyId.toLowerCase() ||
    login.publicKey !== expected.publicKey ||
    login.privateKey !== expected.privateKey
  ) {
    throw unauthorized(BAD_CREDENTIALS);
  }
  const clientId = header(headers, 'clientid');
  if (!clientId) throw unauthorized(MISSING_CLIENT_ID);
  if (clientId.trim().toLowerCase() !== expected.clientId.toLowerCase()) throw unauthorized(UNKNOWN_CLIENT_ID);
  return login;
}

/** The API member's security role may deny whole resources (settings.forbiddenResources): 403 `Security`. */
export function checkPermission(state: ConnectWiseState, resource: string): void {
  const denied = state.settings.forbiddenResources.some((prefix) => {
    const p = prefix.toLowerCase().replace(/^\/+|\/+$/g, '');
    return resource === p || resource.startsWith(`${p}/`);
  });
  if (denied) throw forbidden();
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
