import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { Prisma } from '../db/database.ts';
import { explainPsaError } from '../errors/psa-messages.ts';
import { PsaError, toPsaError } from '../psa/errors.ts';
import {
  AppError,
  ConflictError,
  NotFoundError,
  RuleError,
  TooManyRequestsError,
  UpstreamError,
  ValidationError,
} from '../errors/catalogue.ts';
import type { Logger } from '../logger.ts';
import { flash } from './flash.ts';

const titles: Record<number, string> = {
  400: 'Bad request',
  401: 'Please sign in',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Not possible right now',
  413: 'Too large',
  422: 'Check your input',
  429: 'Too many requests',
  502: 'The PSA did not accept this',
  500: 'Something went wrong',
};

/** A failure shown inside the page that caused it, with the PSA's own words under ours. */
export interface Problem {
  readonly message: string;
  readonly detail?: string | undefined;
  /** Who said `detail` ("Autotask", "ConnectWise"). */
  readonly source?: string | undefined;
  readonly fixUrl?: string | undefined;
}

/** What a page needs to show an expected failure in place. */
export interface Failure {
  readonly status: number;
  /** Per-field messages (validation, or a clash about one field). */
  readonly fieldErrors: Readonly<Record<string, string>>;
  /** A failure that is not about one field (a rule, Autotask's answer). */
  readonly problem: Problem | null;
}

export type FailureView = (req: Request, res: Response, failure: Failure) => unknown;

const FAILURE_VIEW = 'failureView';

/**
 * A step of a route pipeline that says how this page shows an expected failure (a form that does
 * not validate, a rule that refuses, an Autotask refusal): the error ladder calls `view` instead of
 * rendering the error page, so handlers need no try blocks for expected failures.
 */
export function renderOnFailure(view: FailureView): RequestHandler {
  return (req, res, next) => {
    // The ladder runs outside this router, where Express has reset `req.params`: keep this
    // route's params so the view can still name the record (`/runs/:id` → back to run 5).
    const params = { ...req.params };
    const registered: RegisteredView = { view, params };
    res.locals[FAILURE_VIEW] = registered;
    next();
  };
}

interface RegisteredView {
  readonly view: FailureView;
  readonly params: Request['params'];
}

/**
 * The post/redirect/get form of `renderOnFailure`: the failure becomes a flash message on the page
 * `back` names, prefixed with what did (not) happen.
 */
export function flashOnFailure(
  back: (req: Request) => string,
  prefix?: string | ((req: Request) => Promise<string>),
): RequestHandler {
  return renderOnFailure(async (req, res, failure) => {
    // A prefix that names the record is looked up only when there is a failure to report.
    flash(req, failureFlash(failure, typeof prefix === 'function' ? await prefix(req) : prefix));
    res.redirect(back(req));
  });
}

function failureFlash(failure: Failure, prefix?: string) {
  const lead = prefix ? `${prefix} ` : '';
  if (failure.problem) {
    return {
      type: 'error' as const,
      text: `${lead}${failure.problem.message}`,
      ...(failure.problem.detail ? { detail: failure.problem.detail } : {}),
      ...(failure.problem.source ? { source: failure.problem.source } : {}),
    };
  }
  return { type: 'error' as const, text: `${lead}${Object.values(failure.fieldErrors).join(' ')}` };
}

/**
 * Autotask's failures as the operator reads them; the database's and the router's refusals that
 * the request caused as the domain errors they amount to; other errors as they are.
 */
export function asAppError(err: unknown): unknown {
  const psaError = toPsaError(err);
  if (psaError instanceof PsaError) return explainPsaError(psaError);
  if (err instanceof Prisma.PrismaClientKnownRequestError) return prismaAppError(err) ?? err;
  // The router could not percent-decode a path parameter (`/runs/%`): such an address names no page.
  if (err instanceof URIError && (err as { status?: unknown }).status === 400) return new NotFoundError(NO_SUCH_PAGE);
  return err;
}

const NO_SUCH_PAGE = 'This page does not exist. The link may be wrong.';

/**
 * Prisma's answers that the request, not the app, is to blame for. Only these: a value out of range
 * or a NUL character is kept out by validation (src/shared/ids.ts, src/middleware/nul-characters.ts),
 * so if one still reaches the database it is a gap to fix, and stays a logged 500. No column has a
 * length limit, so "value too long" (P2000) cannot happen.
 */
function prismaAppError(err: Prisma.PrismaClientKnownRequestError): AppError | null {
  switch (err.code) {
    // An update or delete of a row that does not exist (any more): the record asked for is missing.
    case 'P2025':
      return new NotFoundError();
    // A row that refers to one that does not exist (any more), or a delete of one still referred to.
    case 'P2003':
      return new ConflictError(
        'This change refers to a record that no longer exists, or one that other records still depend on. Reload the page and try again.',
      );
    default:
      return null;
  }
}

/** The failures a page can show in place; everything else (404, 403, bugs) goes to the error page. */
export function failureOf(err: unknown): Failure | null {
  const e = asAppError(err);
  if (e instanceof ValidationError) return { status: e.status, fieldErrors: { ...e.fieldErrors }, problem: null };
  if (e instanceof ConflictError) {
    return e.field
      ? { status: e.status, fieldErrors: { [e.field]: e.message }, problem: null }
      : { status: e.status, fieldErrors: {}, problem: { message: e.message } };
  }
  if (e instanceof RuleError) {
    return {
      status: e.status,
      fieldErrors: {},
      problem: { message: e.message, detail: e.detail, source: e.detailSource, fixUrl: e.fixUrl },
    };
  }
  if (e instanceof UpstreamError) {
    return {
      status: e.status,
      fieldErrors: {},
      problem: { message: e.message, detail: e.detail, source: e.detailSource },
    };
  }
  return null;
}

export const notFound: RequestHandler = (_req, _res, next) => next(new NotFoundError());

/** Whether the caller wants JSON: the token API and fetch() calls from our own scripts. */
function wantsJson(req: Request): boolean {
  return req.path.startsWith('/api/') || (req.get('accept') ?? '').startsWith('application/json');
}

/**
 * The one error ladder. An expected failure goes to the page's own failure view when its route
 * declared one; domain errors carry their own status and sentence; body-parser errors keep theirs;
 * anything else is a 500 whose details stay in the log (the stack on the page only when
 * SHOW_ERROR_DETAILS is set).
 */
export function errorHandler(logger: Logger, options: { showDetails: boolean }): ErrorRequestHandler {
  return async (rawErr: unknown, req, res, _next) => {
    const err = asAppError(rawErr);
    const registered = res.locals[FAILURE_VIEW] as RegisteredView | undefined;
    const failure = registered && !res.headersSent && !wantsJson(req) ? failureOf(err) : null;
    if (registered && failure) {
      delete res.locals[FAILURE_VIEW];
      try {
        req.params = registered.params;
        res.status(failure.status);
        await registered.view(req, res, failure);
        return;
      } catch (viewErr) {
        // The page could not even show the failure: fall through to the error page with that error.
        return renderError(viewErr, req, res, logger, options);
      }
    }
    renderError(err, req, res, logger, options);
  };
}

function renderError(err: unknown, req: Request, res: Response, logger: Logger, options: { showDetails: boolean }) {
  let status = 500;
  let message = 'An unexpected error occurred. It has been logged; please try again.';
  let detail: string | undefined;
  let code = 'internal';
  let fields: Record<string, string> | undefined;

  if (err instanceof AppError) {
    status = err.status;
    message = err.message;
    detail = err.detail;
    code = err.code;
    if (err instanceof ValidationError) fields = { ...err.fieldErrors };
    if (err instanceof TooManyRequestsError) res.set('Retry-After', String(err.retryAfterSeconds));
  } else if (isHttpError(err) && err.status < 500) {
    status = err.status;
    code = err.type ?? 'bad_request';
    message =
      status === 413
        ? 'The request body is larger than the 1 MB limit.'
        : status === 400 && err.type === 'entity.parse.failed'
          ? 'The request body is not valid JSON.'
          : (titles[status] ?? 'Bad request');
  }
  if (status >= 500 && !(err instanceof AppError)) {
    logger.error({ err, reqId: req.id }, 'unhandled error');
  }
  if (res.headersSent) return;
  res.status(status);
  if (wantsJson(req)) {
    res.json({ error: { code, message, ...(detail ? { detail } : {}), ...(fields ? { fields } : {}) } });
    return;
  }
  res.render('errors/error', {
    title:
      (err instanceof UpstreamError && err.detailSource ? `${err.detailSource} did not accept this` : titles[status]) ??
      'Error',
    status,
    message,
    detail,
    detailSource: err instanceof AppError ? err.detailSource : undefined,
    // A refused field of a form or address with no page of its own to show it: listed here.
    fields: fields ?? {},
    stack: options.showDetails && err instanceof Error && status >= 500 ? err.stack : undefined,
  });
}

function isHttpError(e: unknown): e is { status: number; type?: string } {
  return typeof e === 'object' && e !== null && typeof (e as { status?: unknown }).status === 'number';
}
