import { PsaCallError, type CallContext } from '../psa-http/errors.ts';
import { parseRetryAfter } from '../psa-http/retry-after.ts';
import { unavailableMessage, type UnavailableReason } from '../psa-http/unavailable.ts';

/**
 * One error class per way an Autotask call can fail, so callers branch on the class. Every class extends
 * `AutotaskError`, which carries the HTTP status (null when no answer came), Autotask's own
 * `errors[]` text verbatim in `messages`, and the client operation that failed.
 *
 * The classes say what happened; services decide what it means for the operator. The one rule the
 * client itself enforces: `AutotaskUnavailableError` on a write means the outcome is unknown (the
 * ticket may exist), so it must be settled by a lookup, never by sending the write again.
 *
 * No error object built here holds a request header, a credential or an axios error.
 */

export type AutotaskErrorKind =
  'authentication' | 'zone_lookup' | 'not_found' | 'validation' | 'permission' | 'rate_limited' | 'unavailable';

/** Where the failure happened; part of every error. */
export type AutotaskErrorContext = CallContext;

/**
 * Every Autotask failure: the status, Autotask's `errors[]` text verbatim in `messages` (a mutable
 * copy, as it always was here), the operation, and `detail` (`src/psa-http/errors.ts`).
 */
export abstract class AutotaskError extends PsaCallError<AutotaskErrorKind> {
  declare readonly messages: string[];
}

/** Credentials rejected: HTTP 401, or HTTP 500 "IntegrationCode is invalid.". */
export class AutotaskAuthenticationError extends AutotaskError {
  readonly kind: AutotaskErrorKind = 'authentication';
  constructor(status: number | null, messages: readonly string[], context: AutotaskErrorContext, message?: string) {
    super(
      message ??
        'Autotask rejected the API credentials. Check the API username, secret and integration code in the Autotask settings.',
      status,
      messages,
      context,
    );
  }
}

/**
 * The zone lookup could not place the API user ("Zone information could not be determined"):
 * usually a mistyped or unknown API username. A subtype of the authentication error, because the
 * fix is the same place: the credentials.
 */
export class AutotaskZoneLookupError extends AutotaskAuthenticationError {
  override readonly kind: AutotaskErrorKind = 'zone_lookup';
  constructor(status: number | null, messages: readonly string[], context: AutotaskErrorContext) {
    super(
      status,
      messages,
      context,
      'Autotask could not find the zone (data centre) for this API username. Check that the API username is spelled exactly as in Autotask.',
    );
  }
}

/** The record does not exist or is not visible to the API user: `{"item":null}` or HTTP 404. */
export class AutotaskNotFoundError extends AutotaskError {
  readonly kind: AutotaskErrorKind = 'not_found';
  constructor(status: number | null, messages: readonly string[], context: AutotaskErrorContext, message?: string) {
    super(message ?? 'Autotask has no such record, or the API user cannot see it.', status, messages, context);
  }
}

/** Autotask refused the request on its content: a validation or business rule (mostly HTTP 500 with `errors[]`). */
export class AutotaskValidationError extends AutotaskError {
  readonly kind: AutotaskErrorKind = 'validation';
  constructor(status: number | null, messages: readonly string[], context: AutotaskErrorContext) {
    super('Autotask refused the request.', status, messages, context);
  }
}

/** The API user lacks rights: HTTP 403, or "does not have the adequate permissions". */
export class AutotaskPermissionError extends AutotaskError {
  readonly kind: AutotaskErrorKind = 'permission';
  constructor(status: number | null, messages: readonly string[], context: AutotaskErrorContext) {
    super(
      'The Autotask API user is not allowed to do this. Check the security level of the API user in Autotask.',
      status,
      messages,
      context,
    );
  }
}

/**
 * Which limit refused the request:
 * - `thread_threshold`: too many requests of the API tracking identifier on one endpoint at once,
 *   counted across the whole tenant (docs/autotask.md, Thread limit). Refused on arrival, so a write
 *   refused this way may be sent again once a lookup confirms it did not happen.
 * - `request_threshold`: HTTP 429 or the hourly request threshold, and any other rate limiting.
 */
export type RateLimitReason = 'thread_threshold' | 'request_threshold';

/** Autotask's request or thread threshold was hit: HTTP 429, or the "thread threshold" message. */
export class AutotaskRateLimitedError extends AutotaskError {
  readonly kind: AutotaskErrorKind = 'rate_limited';
  readonly reason: RateLimitReason;
  constructor(
    status: number | null,
    messages: readonly string[],
    context: AutotaskErrorContext,
    /** From the `Retry-After` header when Autotask sent one. */
    readonly retryAfterSeconds: number | null,
    /** Taken from Autotask's text when not given. */
    reason?: RateLimitReason,
  ) {
    super(
      retryAfterSeconds !== null
        ? `Autotask is limiting requests. Try again in ${retryAfterSeconds} seconds.`
        : 'Autotask is limiting requests. Try again in a minute.',
      status,
      messages,
      context,
    );
    this.reason = reason ?? (messages.some((m) => THREAD_THRESHOLD.test(m)) ? 'thread_threshold' : 'request_threshold');
  }
}

/**
 * The thread limit as counted on our side: no slot of the endpoint came free within the wait, so
 * the request was never sent (docs/autotask.md, Thread limit). The same "busy" answer as
 * Autotask's refusal, but nothing needs looking up before a write is sent again, and a read is not
 * tried again: the wait already took as long as the operator should wait.
 */
export class AutotaskThreadWaitError extends AutotaskRateLimitedError {
  constructor(
    context: AutotaskErrorContext,
    /** How long the request waited for a slot. */
    readonly waitedMs: number,
  ) {
    super(null, [], context, null, 'thread_threshold');
  }
}

/** True for Autotask's thread-threshold refusal (not for the hourly threshold or a plain 429). */
export function isThreadThreshold(e: unknown): e is AutotaskRateLimitedError {
  return e instanceof AutotaskRateLimitedError && e.reason === 'thread_threshold';
}

/** Why Autotask gave no usable answer; which answers count as which is `errorFromResponse`'s, below. */
export type { UnavailableReason };

/**
 * Autotask did not give a usable answer. For a write this means the outcome is unknown: the record
 * may or may not have been created or changed.
 */
export class AutotaskUnavailableError extends AutotaskError {
  readonly kind: AutotaskErrorKind = 'unavailable';
  constructor(
    readonly reason: UnavailableReason,
    status: number | null,
    messages: readonly string[],
    context: AutotaskErrorContext,
    message?: string,
  ) {
    super(message ?? unavailableMessage('Autotask', reason), status, messages, context);
  }
}

/**
 * True when a write may or may not have taken effect (timeout, dropped connection, 5xx without
 * errors, unreadable answer). Settle it by looking the record up (tickets: by `externalID`; notes:
 * `listTicketNotes`), never by sending the write again. Every other error is a definite outcome,
 * and so is an unavailable error from a read (such as the zone lookup before a create): nothing
 * was written.
 */
export function isOutcomeUnknown(e: unknown): e is AutotaskUnavailableError {
  return e instanceof AutotaskUnavailableError && !e.read;
}

// ---------------------------------------------------------------------------------------------
// Mapping an HTTP answer to an error. Pure, so the rules can be read (and tested) in one place.

const INVALID_INTEGRATION_CODE = /integration ?code is invalid/i;
// An unknown UserName header comes back as HTTP 500, not 401 (docs/autotask.md, Authentication
// headers); the exact text is not documented, hence the loose match. A credentials problem all the same.
const INVALID_USER_NAME = /user ?name is invalid/i;
const ZONE_UNKNOWN = /zone information could not be determined/i;
const NO_PERMISSION = /does not have the adequate permissions/i;
const THREAD_THRESHOLD = /thread threshold|Itgenatr005/i;
const REQUEST_THRESHOLD = /request threshold|threshold .*exceeded/i;
const NO_MATCHING_RECORDS = /no matching records found/i;

/** Autotask's text from an error body, and which shape carried it. */
interface ErrorText {
  readonly messages: string[];
  /**
   * `errors`: Autotask's own `{"errors": [...]}`, its answer to a request it handled and refused.
   * `message`: ASP.NET Web API's `{"Message": ...}`, which the framework under the API sends for an
   * unknown route, a wrong verb or an unhandled exception (docs/autotask.md, Error shape).
   */
  readonly shape: 'errors' | 'message' | 'none';
}

/** A top-level property in any letter case (bodies are case-insensitive, docs/autotask.md, Wire basics). */
function property(body: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(body).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : body[key];
}

/**
 * Autotask's text as strings. Normally `errors[]`, an array of strings; `{message, field}` objects,
 * which may occur (docs/autotask.md, Error shape), are reduced to their text so nothing is lost.
 * Without `errors[]`, ASP.NET's `Message` (and `MessageDetail`) are read instead.
 */
function extractMessages(body: unknown): ErrorText {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { messages: [], shape: 'none' };
  const record = body as Record<string, unknown>;
  const errors = property(record, 'errors');
  if (Array.isArray(errors)) {
    const out: string[] = [];
    for (const e of errors) {
      if (typeof e === 'string') out.push(e);
      else if (e && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string') {
        const { message, field } = e as { message: string; field?: unknown };
        out.push(typeof field === 'string' && field ? `${field}: ${message}` : message);
      }
    }
    if (out.length > 0) return { messages: out, shape: 'errors' };
  }
  const texts = [property(record, 'message'), property(record, 'messagedetail')].filter(
    (t): t is string => typeof t === 'string' && t.trim() !== '',
  );
  return texts.length > 0 ? { messages: texts, shape: 'message' } : { messages: [], shape: 'none' };
}

/** `Retry-After` as seconds (every PSA client reads it the same way). */
export { parseRetryAfter };

interface HttpFailure {
  readonly status: number;
  /** Parsed JSON body, or undefined when the body was not JSON. */
  readonly body: unknown;
  readonly retryAfter?: string | undefined;
  /** The zone lookup reports unknown users its own way. */
  readonly isZoneLookup?: boolean;
  /** Blanks credentials should Autotask ever echo them; the rest of its text stays verbatim. */
  readonly redact?: (text: string) => string;
}

/**
 * The error for a non-2xx answer. Order matters: Autotask reports most failures as HTTP 500, so
 * the known messages are checked before the status decides.
 */
export function errorFromResponse(failure: HttpFailure, context: AutotaskErrorContext): AutotaskError {
  const { status } = failure;
  const redact = failure.redact ?? ((text: string) => text);
  const text = extractMessages(failure.body);
  const messages = text.messages.map(redact);
  const says = (re: RegExp) => messages.some((m) => re.test(m));

  if (failure.isZoneLookup && (says(ZONE_UNKNOWN) || (status >= 400 && status < 500 && status !== 429))) {
    return new AutotaskZoneLookupError(status, messages, context);
  }
  if (status < 400) return new AutotaskUnavailableError('bad_response', status, messages, context);
  if (status === 401 || says(INVALID_INTEGRATION_CODE) || says(INVALID_USER_NAME))
    return new AutotaskAuthenticationError(status, messages, context);
  if (status === 429 || says(THREAD_THRESHOLD) || says(REQUEST_THRESHOLD)) {
    const reason: RateLimitReason = says(THREAD_THRESHOLD) ? 'thread_threshold' : 'request_threshold';
    return new AutotaskRateLimitedError(status, messages, context, parseRetryAfter(failure.retryAfter), reason);
  }
  if (status === 403 || says(NO_PERMISSION)) return new AutotaskPermissionError(status, messages, context);
  if (status === 404 || says(NO_MATCHING_RECORDS)) return new AutotaskNotFoundError(status, messages, context);
  if (status === 502 || status === 503 || status === 504) {
    return new AutotaskUnavailableError('server', status, messages, context);
  }
  if (status >= 500) {
    // Only Autotask's own `errors[]` is a refusal it made; ASP.NET's `Message` on a 5xx is an
    // unhandled failure somewhere in the request, which may have happened after a write took effect.
    return text.shape === 'errors'
      ? new AutotaskValidationError(status, messages, context)
      : new AutotaskUnavailableError('server', status, messages, context);
  }
  // Any other 4xx is a definite refusal of this request (bad route, verb or body). Its status is on
  // the error; `messages` holds only what the answer said, never words of ours.
  return new AutotaskValidationError(status, messages, context);
}
