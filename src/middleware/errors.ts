import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, NotFoundError, TooManyRequestsError, ValidationError } from '../errors.ts';
import type { Logger } from '../logger.ts';

const titles: Record<number, string> = {
  400: 'Bad request',
  401: 'Please sign in',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Not possible right now',
  413: 'Too large',
  422: 'Check your input',
  429: 'Too many requests',
  502: 'Autotask did not accept this',
  500: 'Something went wrong',
};

export const notFound: RequestHandler = (_req, _res, next) => next(new NotFoundError());

/** Whether the caller wants JSON: the token API and fetch() calls from our own scripts. */
function wantsJson(req: Parameters<RequestHandler>[0]): boolean {
  return req.path.startsWith('/api/') || (req.get('accept') ?? '').startsWith('application/json');
}

/**
 * The one error ladder: domain errors carry their own status and sentence; body-parser errors
 * keep theirs; anything else is a 500 whose details stay in the log (stack only in development).
 */
export function errorHandler(logger: Logger, options: { showStack: boolean }): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
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
      title: titles[status] ?? 'Error',
      status,
      message,
      detail,
      stack: options.showStack && err instanceof Error && status >= 500 ? err.stack : undefined,
    });
  };
}

function isHttpError(e: unknown): e is { status: number; type?: string } {
  return typeof e === 'object' && e !== null && typeof (e as { status?: unknown }).status === 'number';
}
