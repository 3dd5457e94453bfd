import * as wire from '../psa-http/transport.ts';
import {
  ConnectWiseUnavailableError,
  errorFromResponse,
  type ConnectWiseError,
  type ConnectWiseErrorContext,
} from './errors.ts';
import type { ConnectWiseCredentials } from './types.ts';

/**
 * One HTTP exchange with ConnectWise: the headers it carries and how its answer reads into a result
 * or one of the errors of `errors.ts`. Sending with a deadline on the whole exchange is every PSA
 * client's (`src/psa-http/transport.ts`); retries and the API call log are `http.ts`'s business.
 */

export type HttpMethod = 'GET' | 'POST' | 'PATCH';

/**
 * The model version asked for in `Accept`. Without one, each endpoint answers with its newest model,
 * and ConnectWise tells production integrations to pin one (docs/connectwise.md, Base URL and
 * versions). 2025.1 is the version of the OpenAPI description the field names here were checked
 * against; every field the client reads is older than that. Unverified: how a site older than the
 * pinned version answers it. Replaceable per client (`modelVersion`).
 */
export const DEFAULT_MODEL_VERSION = '2025.1';

/** `Basic base64(companyId+publicKey:privateKey)` (docs/connectwise.md, Authentication). */
export function basicAuthorization(credentials: ConnectWiseCredentials): string {
  const user = `${credentials.companyId}+${credentials.publicKey}`;
  return `Basic ${Buffer.from(`${user}:${credentials.privateKey}`, 'utf8').toString('base64')}`;
}

/** The headers of every request. */
export function requestHeaders(
  credentials: ConnectWiseCredentials,
  modelVersion: string,
): Readonly<Record<string, string>> {
  return {
    Authorization: basicAuthorization(credentials),
    clientId: credentials.clientId,
    Accept: `application/vnd.connectwise.com+json; version=${modelVersion}`,
    'Content-Type': 'application/json',
  };
}

export type WireRequest = wire.WireRequest<HttpMethod>;
export type StartDeadline = wire.StartDeadline<HttpMethod>;
export type { Deadline } from '../psa-http/transport.ts';
export { timerDeadline } from '../psa-http/transport.ts';

/** What one exchange came to; a 2xx with its `Link` header (paging). */
export type Outcome = wire.Outcome<ConnectWiseError>;

/** Reads an answer into the parsed JSON (2xx) or the error it stands for. Pure. */
export function readAnswer(
  answer: wire.RawAnswer,
  context: ConnectWiseErrorContext,
  redact: (text: string) => string,
): Outcome {
  return wire.readAnswer<ConnectWiseError>(answer, {
    notJson: (status) =>
      new ConnectWiseUnavailableError(
        'bad_response',
        status,
        { code: null, messages: [], fieldErrors: [] },
        context,
        'ConnectWise answered with something that is not JSON.',
      ),
    failed: ({ status, body, retryAfter }) => errorFromResponse({ status, body, retryAfter, redact }, context),
  });
}

/** A failure before any HTTP answer. The axios error is dropped: its config holds the Authorization header. */
export function transportError(e: unknown, context: ConnectWiseErrorContext, timeoutMs: number): ConnectWiseError {
  const { reason, message } = wire.transportFailure(e, 'ConnectWise', timeoutMs);
  return new ConnectWiseUnavailableError(reason, null, { code: null, messages: [], fieldErrors: [] }, context, message);
}
