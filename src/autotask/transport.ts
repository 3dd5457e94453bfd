import * as wire from '../psa-http/transport.ts';
import {
  AutotaskUnavailableError,
  errorFromResponse,
  type AutotaskError,
  type AutotaskErrorContext,
} from './errors.ts';
import type { AutotaskCredentials } from './types.ts';

/**
 * One HTTP exchange with Autotask: the headers it carries and how its answer reads into a result
 * or one of the errors of `errors.ts`. Sending with a deadline on the whole exchange is every PSA
 * client's (`src/psa-http/transport.ts`); retries, the thread limit, zones and the API call log are
 * `http.ts`'s business.
 */

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT';

/** The headers of every authenticated request. */
export function credentialHeaders(credentials: AutotaskCredentials): Readonly<Record<string, string>> {
  return {
    ApiIntegrationCode: credentials.integrationCode,
    UserName: credentials.username,
    Secret: credentials.secret,
    'Content-Type': 'application/json',
    Accept: 'application/json',
  };
}

/** The zone lookup is anonymous: it must never see the credentials. */
export const ANONYMOUS_HEADERS: Readonly<Record<string, string>> = { Accept: 'application/json' };

export type WireRequest = wire.WireRequest<HttpMethod>;
export type StartDeadline = wire.StartDeadline<HttpMethod>;
export type { Deadline } from '../psa-http/transport.ts';
export { timerDeadline } from '../psa-http/transport.ts';

/** What one exchange came to. `retryAfterSeconds` is the answer's `Retry-After`, for the retry policy. */
export type Outcome = wire.Outcome<AutotaskError>;

/** Reads an answer into the parsed JSON (2xx) or the error it stands for. Pure. */
export function readAnswer(
  answer: wire.RawAnswer,
  context: AutotaskErrorContext,
  options: { readonly isZoneLookup: boolean; readonly redact: (text: string) => string },
): Outcome {
  return wire.readAnswer<AutotaskError>(answer, {
    notJson: (status) =>
      new AutotaskUnavailableError(
        'bad_response',
        status,
        [],
        context,
        'Autotask answered with something that is not JSON.',
      ),
    failed: ({ status, body, retryAfter }) =>
      errorFromResponse(
        { status, body, retryAfter, isZoneLookup: options.isZoneLookup, redact: options.redact },
        context,
      ),
  });
}

/** A failure before any HTTP answer. The axios error is dropped: its config holds the Secret header. */
export function transportError(e: unknown, context: AutotaskErrorContext, timeoutMs: number): AutotaskUnavailableError {
  const { reason, message } = wire.transportFailure(e, 'Autotask', timeoutMs);
  return new AutotaskUnavailableError(reason, null, [], context, message);
}
