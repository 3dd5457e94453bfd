/**
 * The one catalogue of domain errors. Services throw these; the error middleware turns each into
 * an HTTP status and a sentence an operator understands. Autotask's own words, when there are any,
 * travel in `detail` and are shown verbatim under our explanation.
 */

export abstract class AppError extends Error {
  abstract readonly status: number;
  /** Stable machine-readable code, used in JSON answers and tests. */
  abstract readonly code: string;
  /** Text from an upstream system (the PSA), shown verbatim below the message. */
  readonly detail: string | undefined;
  /** Who said `detail` ("Autotask", "ConnectWise"): the page prints "… said:" with this name. */
  detailSource: string | undefined;

  constructor(message: string, detail?: string) {
    super(message);
    this.name = new.target.name;
    this.detail = detail;
  }
}

export class NotFoundError extends AppError {
  readonly status = 404;
  readonly code = 'not_found';
  constructor(message = 'The page or record you asked for does not exist.') {
    super(message);
  }
}

export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly code = 'forbidden';
  constructor(message = 'Your role does not allow this action.') {
    super(message);
  }
}

export class UnauthenticatedError extends AppError {
  readonly status = 401;
  readonly code = 'unauthenticated';
  constructor(message = 'Please sign in.') {
    super(message);
  }
}

export class CsrfError extends AppError {
  readonly status = 403;
  readonly code = 'csrf';
  constructor() {
    super('This form has expired or did not come from this site. Reload the page and try again.');
  }
}

/** Input that does not fit: one message per field. */
export class ValidationError extends AppError {
  readonly status = 422;
  readonly code = 'validation';
  constructor(
    readonly fieldErrors: Readonly<Record<string, string>>,
    message = 'Some fields need attention.',
  ) {
    super(message);
  }
}

/** The request is valid but clashes with what exists (duplicate name, already mapped, …). */
export class ConflictError extends AppError {
  readonly status = 409;
  readonly code = 'conflict';
  constructor(
    message: string,
    /** The form field the clash is about, when there is one: the form shows the message there. */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** A business rule forbids the action right now (integration disabled, mapping invalid, …). */
export class RuleError extends AppError {
  readonly status = 409;
  readonly code = 'rule';
  constructor(
    message: string,
    /** Where the operator can fix the cause, if anywhere. */
    readonly fixUrl?: string,
    detail?: string,
  ) {
    super(message, detail);
  }
}

export class TooManyRequestsError extends AppError {
  readonly status = 429;
  readonly code = 'too_many_requests';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** The PSA answered with a failure, or did not answer. `detail` carries the PSA's own text. */
export class UpstreamError extends AppError {
  readonly status = 502;
  readonly code = 'upstream';
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
