import {
  AutotaskError,
  AutotaskRateLimitedError,
  AutotaskThreadWaitError,
  AutotaskUnavailableError,
  AutotaskZoneLookupError,
} from '../autotask/errors.ts';
import { ConnectWiseError, ConnectWiseRateLimitedError, ConnectWiseUnavailableError } from '../connectwise/errors.ts';
import { PSA_NAMES, type PsaType } from './port.ts';

/**
 * The one error channel of the PSA port. Each adapter turns its client's errors into a `PsaError`
 * (`fromAutotask`, `fromConnectWise`), keeping the PSA's own words in `messages` and the client's
 * error as `cause`; the services branch on `kind` and the flags here, never on a client's classes,
 * and `src/errors/psa-messages.ts` turns them into the operator's sentences.
 */

export type PsaErrorKind =
  | 'authentication'
  /** Autotask only: the zone lookup did not know the API username. */
  | 'zone_lookup'
  | 'not_found'
  | 'validation'
  | 'permission'
  | 'rate_limited'
  | 'unavailable';

/**
 * Why a request was rate limited:
 * - `thread_threshold`: Autotask's per-endpoint thread limit, refused on arrival;
 * - `thread_wait`: our own wait for a slot of that limit ran out and nothing was sent;
 * - `request_limit`: any other limit (Autotask's hourly threshold, ConnectWise's HTTP 429).
 */
export type RateLimitReason = 'thread_threshold' | 'thread_wait' | 'request_limit';

export type UnavailableReason = 'timeout' | 'network' | 'server' | 'bad_response';

export interface PsaErrorInit {
  readonly psa: PsaType;
  readonly kind: PsaErrorKind;
  readonly status: number | null;
  readonly messages: readonly string[];
  readonly operation: string;
  readonly read: boolean;
  readonly rateLimit?: RateLimitReason | undefined;
  readonly unavailable?: UnavailableReason | undefined;
  readonly retryAfterSeconds?: number | null | undefined;
  readonly cause?: unknown;
  /** For developers and logs; operators read `src/errors/psa-messages.ts`. */
  readonly message: string;
}

export class PsaError extends Error {
  readonly psa: PsaType;
  readonly kind: PsaErrorKind;
  /** HTTP status of the PSA's answer; null when none came. */
  readonly status: number | null;
  /** The PSA's own text, verbatim. Empty when it gave none. */
  readonly messages: readonly string[];
  readonly operation: string;
  /** The failed request only read: nothing in the PSA changed. */
  readonly read: boolean;
  /** Set when `kind` is `rate_limited`. */
  readonly rateLimit: RateLimitReason | null;
  /** Set when `kind` is `unavailable`. */
  readonly unavailable: UnavailableReason | null;
  readonly retryAfterSeconds: number | null;

  constructor(init: PsaErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'PsaError';
    this.psa = init.psa;
    this.kind = init.kind;
    this.status = init.status;
    this.messages = [...init.messages];
    this.operation = init.operation;
    this.read = init.read;
    this.rateLimit = init.kind === 'rate_limited' ? (init.rateLimit ?? 'request_limit') : null;
    this.unavailable = init.kind === 'unavailable' ? (init.unavailable ?? 'server') : null;
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
  }

  /** The PSA's own words joined for display (shown verbatim under our explanation), or undefined. */
  get detail(): string | undefined {
    return this.messages.length > 0 ? this.messages.join(' ') : undefined;
  }

  /** "Autotask", "ConnectWise". */
  get psaName(): string {
    return PSA_NAMES[this.psa];
  }
}

/**
 * A write that may or may not have taken effect (no usable answer). Settle it by looking the
 * record up (tickets by reference, notes on the ticket, the status by reading the ticket), never by
 * sending the write again.
 */
export function isOutcomeUnknown(e: unknown): e is PsaError {
  return e instanceof PsaError && e.kind === 'unavailable' && !e.read;
}

/**
 * Refused on arrival by a limit that lifts in seconds: Autotask's thread threshold. The write may
 * be sent again once a lookup confirms it did not happen (`src/services/tickets/retry-write.ts`).
 */
export function isThreadThreshold(e: unknown): e is PsaError {
  return e instanceof PsaError && e.rateLimit === 'thread_threshold';
}

/** An Autotask client error in the port's terms. */
export function fromAutotask(e: AutotaskError): PsaError {
  return new PsaError({
    psa: 'autotask',
    kind: e instanceof AutotaskZoneLookupError ? 'zone_lookup' : e.kind,
    status: e.status,
    messages: e.messages,
    operation: e.operation,
    read: e.read,
    rateLimit:
      e instanceof AutotaskThreadWaitError
        ? 'thread_wait'
        : e instanceof AutotaskRateLimitedError && e.reason === 'thread_threshold'
          ? 'thread_threshold'
          : 'request_limit',
    unavailable: e instanceof AutotaskUnavailableError ? e.reason : undefined,
    retryAfterSeconds: e instanceof AutotaskRateLimitedError ? e.retryAfterSeconds : null,
    cause: e,
    message: e.message,
  });
}

/**
 * A ConnectWise client error in the port's terms. A conflict (HTTP 409) is ConnectWise refusing
 * the request on its content, as a validation error is.
 */
export function fromConnectWise(e: ConnectWiseError): PsaError {
  return new PsaError({
    psa: 'connectwise',
    kind: e.kind === 'conflict' ? 'validation' : e.kind,
    status: e.status,
    messages: e.messages,
    operation: e.operation,
    read: e.read,
    rateLimit: 'request_limit',
    unavailable: e instanceof ConnectWiseUnavailableError ? e.reason : undefined,
    retryAfterSeconds:
      e instanceof ConnectWiseRateLimitedError || e instanceof ConnectWiseUnavailableError ? e.retryAfterSeconds : null,
    cause: e,
    message: e.message,
  });
}

/** Any client's error in the port's terms; anything else unchanged. */
export function toPsaError(e: unknown): unknown {
  if (e instanceof PsaError) return e;
  if (e instanceof AutotaskError) return fromAutotask(e);
  if (e instanceof ConnectWiseError) return fromConnectWise(e);
  return e;
}

/** Runs a client call and rethrows its failure as a PsaError. */
export async function translated<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw toPsaError(e);
  }
}
