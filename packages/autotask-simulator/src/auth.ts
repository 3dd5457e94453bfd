/**
 * Credential headers (docs/autotask.md, Authentication headers): `UserName`, `Secret`,
 * `ApiIntegrationCode` on every call except the zone and version lookups. Header names are case-insensitive (Node lower-cases them).
 *
 * What clients have observed: a valid user with a wrong secret gets 401; an unknown user name and a
 * wrong integration code both get 500, not 401.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { SimError } from './errors.ts';
import type { SimulatorState } from './store.ts';
import type { SimUser } from './types.ts';

export const INVALID_INTEGRATION_CODE = 'IntegrationCode is invalid.';
export const INVALID_USER = 'User name is invalid.';
export const UNAUTHORIZED = 'Unauthorized';

export function authenticate(state: SimulatorState, headers: IncomingHttpHeaders): SimUser {
  const username = header(headers, 'username');
  const secret = header(headers, 'secret');
  const code = header(headers, 'apiintegrationcode');
  const user = username ? state.user(username) : undefined;
  if (!user) throw new SimError(500, INVALID_USER);
  if (secret !== user.secret) throw new SimError(401, UNAUTHORIZED);
  if (code !== user.integrationCode) throw new SimError(500, INVALID_INTEGRATION_CODE);
  return user;
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
