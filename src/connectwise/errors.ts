import { PsaCallError, type CallContext } from '../psa-http/errors.ts';
import { parseRetryAfter } from '../psa-http/retry-after.ts';
import { unavailableMessage, type UnavailableReason } from '../psa-http/unavailable.ts';

/**
 * One error class per way a ConnectWise call can fail, so callers branch on the class. Every class
 * extends `ConnectWiseError`, which carries the HTTP status (null when no answer came), ConnectWise's
 * own `code` and texts verbatim, and the client operation that failed.
 *
 * The classes say what happened; services decide what it means for the operator. The one rule the
 * client itself enforces: `ConnectWiseUnavailableError` on a write means the outcome is unknown
 * (the ticket may exist), so it is settled by a lookup, never by sending the write again.
 *
 * No error object built here holds a request header, a credential or an axios error.
 */

export type ConnectWiseErrorKind =
  'authentication' | 'permission' | 'not_found' | 'validation' | 'conflict' | 'rate_limited' | 'unavailable';

/** Where the failure happened; part of every error. */
export type ConnectWiseErrorContext = CallContext;

/** One entry of ConnectWise's `errors[]`, verbatim. */
export interface ConnectWiseFieldError {
  readonly code: string | null;
  readonly message: string;
  readonly resource: string | null;
  readonly field: string | null;
  readonly details: string | null;
}

/** What ConnectWise said in an error body: its top-level `code`, and its texts verbatim. */
export interface ConnectWiseErrorBody {
  readonly code: string | null;
  /** The top-level `message`, then each `errors[]` entry (`field: message`). Empty when it said nothing. */
  readonly messages: readonly string[];
  readonly fieldErrors: readonly ConnectWiseFieldError[];
}

const NO_BODY: ConnectWiseErrorBody = { code: null, messages: [], fieldErrors: [] };

/**
 * Every ConnectWise failure: the status, ConnectWise's texts verbatim in `messages`, the operation,
 * and `detail` (`src/psa-http/errors.ts`), plus its own `code` and `errors[]` entries.
 */
export abstract class ConnectWiseError extends PsaCallError<ConnectWiseErrorKind> {
  /** ConnectWise's own error `code` (`InvalidObject`, `Security`, …); null when it sent none. */
  readonly code: string | null;
  readonly fieldErrors: readonly ConnectWiseFieldError[];

  constructor(message: string, status: number | null, body: ConnectWiseErrorBody, context: ConnectWiseErrorContext) {
    super(message, status, body.messages, context);
    this.code = body.code;
    this.fieldErrors = [...body.fieldErrors];
  }
}

/** Credentials rejected (HTTP 401), or a setting missing before anything was sent. */
export class ConnectWiseAuthenticationError extends ConnectWiseError {
  readonly kind: ConnectWiseErrorKind = 'authentication';
  constructor(status: number | null, body: ConnectWiseErrorBody, context: ConnectWiseErrorContext, message?: string) {
    super(
      message ??
        'ConnectWise rejected the API credentials. Check the company id, public key, private key and client id in the ConnectWise settings.',
      status,
      body,
      context,
    );
  }
}

/** The API member's security role does not allow this: HTTP 403, or ConnectWise's `Security` code. */
export class ConnectWisePermissionError extends ConnectWiseError {
  readonly kind: ConnectWiseErrorKind = 'permission';
  constructor(status: number | null, body: ConnectWiseErrorBody, context: ConnectWiseErrorContext) {
    super(
      'The ConnectWise API member is not allowed to do this. Check the security role of the API member in ConnectWise.',
      status,
      body,
      context,
    );
  }
}

/**
 * No such record (HTTP 404 or ConnectWise's `NotFound` code). On cloud sites a wrong site URL or wrong
 * credentials can also answer 404 (docs/connectwise.md, Errors), hence the wording.
 */
export class ConnectWiseNotFoundError extends ConnectWiseError {
  readonly kind: ConnectWiseErrorKind = 'not_found';
  constructor(status: number | null, body: ConnectWiseErrorBody, context: ConnectWiseErrorContext, message?: string) {
    super(
      message ?? 'ConnectWise has no such record, or the site URL or credentials are not right for it.',
      status,
      body,
      context,
    );
  }
}

/** ConnectWise refused the request on its content (HTTP 400 `InvalidObject` and any other definite 4xx). */
export class ConnectWiseValidationError extends ConnectWiseError {
  readonly kind: ConnectWiseErrorKind = 'validation';
  constructor(status: number | null, body: ConnectWiseErrorBody, context: ConnectWiseErrorContext) {
    super('ConnectWise refused the request.', status, body, context);
  }
}

/** HTTP 409: the record is in use or conflicts with another. Nothing was changed. */
export class ConnectWiseConflictError extends ConnectWiseError {
  readonly kind: ConnectWiseErrorKind = 'conflict';
  constructor(status: number | null, body: ConnectWiseErrorBody, context: ConnectWiseErrorContext) {
    super('ConnectWise reported a conflict with another record.', status, body, context);
  }
}

/**
 * HTTP 429: too many requests, to be sent again after `Retry-After` seconds (docs/connectwise.md,
 * Rate limits). Counted as a definite refusal, for a write too: that ConnectWise (or the rate limiter
 * in front of it) refuses before acting is our reading of that page, not a stated fact. A service
 * that sends a refused write again still looks the record up first.
 */
export class ConnectWiseRateLimitedError extends ConnectWiseError {
  readonly kind: ConnectWiseErrorKind = 'rate_limited';
  constructor(
    status: number | null,
    body: ConnectWiseErrorBody,
    context: ConnectWiseErrorContext,
    /** From the `Retry-After` header when ConnectWise sent one. */
    readonly retryAfterSeconds: number | null,
  ) {
    super(
      retryAfterSeconds !== null
        ? `ConnectWise is limiting requests. Try again in ${retryAfterSeconds} seconds.`
        : 'ConnectWise is limiting requests. Try again in a minute.',
      status,
      body,
      context,
    );
  }
}

/** Why ConnectWise gave no usable answer; which answers count as which is `errorFromResponse`'s, below. */
export type { UnavailableReason };

/**
 * ConnectWise did not give a usable answer. For a write this means the outcome is unknown: the
 * record may or may not have been created or changed.
 */
export class ConnectWiseUnavailableError extends ConnectWiseError {
  readonly kind: ConnectWiseErrorKind = 'unavailable';
  constructor(
    readonly reason: UnavailableReason,
    status: number | null,
    body: ConnectWiseErrorBody,
    context: ConnectWiseErrorContext,
    message?: string,
    /** From the `Retry-After` header of a 5xx answer, when there was one. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message ?? unavailableMessage('ConnectWise', reason), status, body, context);
  }
}

/**
 * True when a write may or may not have taken effect (timeout, dropped connection, 5xx, unreadable
 * answer). Settle it by looking the record up (tickets: `findTicketsByReference`; notes:
 * `listTicketNotes`; status: `getTicket`), never by sending the write again. Every other error is a
 * definite outcome, and so is any error of a read: nothing was written.
 */
export function isOutcomeUnknown(e: unknown): e is ConnectWiseUnavailableError {
  return e instanceof ConnectWiseUnavailableError && !e.read;
}

// ---------------------------------------------------------------------------------------------
// Mapping an HTTP answer to an error. Pure, so the rules can be read (and tested) in one place.

/**
 * ConnectWise's top-level codes that name the failure better than the status does. Seen in public
 * clients and vendor pages, not on a ConnectWise page, and the statuses they come with are not all
 * known (docs/connectwise.md, Errors: "Codes seen" and the unverified list).
 */
const CODE_KINDS: ReadonlyMap<string, 'authentication' | 'permission' | 'not_found'> = new Map([
  ['security', 'permission'],
  ['notfound', 'not_found'],
  ['unauthorized', 'authentication'],
]);
/** An unexpected-error answer (`ConnectWiseApi`) whose text says the member is not signed in. */
const NOT_AUTHENTICATED = /usernotauthenticated/i;

/** ConnectWise's error body read into its code and texts. Anything else (HTML, text) says nothing. */
export function readErrorBody(body: unknown, redact: (text: string) => string = (t) => t): ConnectWiseErrorBody {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return NO_BODY;
  const record = body as Record<string, unknown>;
  const code = typeof record.code === 'string' && record.code.trim() !== '' ? redact(record.code) : null;
  const messages: string[] = [];
  if (typeof record.message === 'string' && record.message.trim() !== '') messages.push(redact(record.message));
  const fieldErrors: ConnectWiseFieldError[] = [];
  for (const item of Array.isArray(record.errors) ? (record.errors as unknown[]) : []) {
    if (item === null || typeof item !== 'object') continue;
    const e = item as Record<string, unknown>;
    if (typeof e.message !== 'string' || e.message.trim() === '') continue;
    const text = (v: unknown) => (typeof v === 'string' && v !== '' ? redact(v) : null);
    const fieldError = {
      code: text(e.code),
      message: redact(e.message),
      resource: text(e.resource),
      field: text(e.field),
      details: text(e.details),
    };
    fieldErrors.push(fieldError);
    messages.push(fieldError.field ? `${fieldError.field}: ${fieldError.message}` : fieldError.message);
  }
  return { code, messages, fieldErrors };
}

/** `Retry-After` as seconds (every PSA client reads it the same way). */
export { parseRetryAfter };

export interface HttpFailure {
  readonly status: number;
  /** Parsed JSON body, or undefined when the body was not JSON. */
  readonly body: unknown;
  readonly retryAfter?: string | undefined;
  /** Blanks credentials should ConnectWise ever echo them; the rest of its text stays verbatim. */
  readonly redact?: (text: string) => string;
}

/**
 * The error for a non-2xx answer. 5xx comes first: a server error may have struck after a write took
 * effect, unless it says the member was not signed in (then nothing ran). Then the status, then
 * ConnectWise's own code where it is telling (docs/connectwise.md, Errors).
 */
export function errorFromResponse(failure: HttpFailure, context: ConnectWiseErrorContext): ConnectWiseError {
  const { status } = failure;
  const body = readErrorBody(failure.body, failure.redact);
  if (status < 400) {
    return new ConnectWiseUnavailableError(
      'bad_response',
      status,
      body,
      context,
      `ConnectWise answered with HTTP ${status} instead of data. Check the site URL in the ConnectWise settings.`,
    );
  }
  if (status >= 500) {
    if ([body.code ?? '', ...body.messages].some((m) => NOT_AUTHENTICATED.test(m))) {
      return new ConnectWiseAuthenticationError(status, body, context);
    }
    const retryAfter = parseRetryAfter(failure.retryAfter);
    return new ConnectWiseUnavailableError('server', status, body, context, undefined, retryAfter);
  }
  if (status === 401) return new ConnectWiseAuthenticationError(status, body, context);
  if (status === 429) {
    return new ConnectWiseRateLimitedError(status, body, context, parseRetryAfter(failure.retryAfter));
  }
  if (status === 403) return new ConnectWisePermissionError(status, body, context);
  if (status === 404) return new ConnectWiseNotFoundError(status, body, context);
  if (status === 409) return new ConnectWiseConflictError(status, body, context);
  switch (body.code === null ? undefined : CODE_KINDS.get(body.code.toLowerCase())) {
    case 'permission':
      return new ConnectWisePermissionError(status, body, context);
    case 'not_found':
      return new ConnectWiseNotFoundError(status, body, context);
    case 'authentication':
      return new ConnectWiseAuthenticationError(status, body, context);
    default:
      // Any other 4xx is a definite refusal of this request (bad value, route, verb or media type).
      return new ConnectWiseValidationError(status, body, context);
  }
}
