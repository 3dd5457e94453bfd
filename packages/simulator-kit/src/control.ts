/**
 * The frame of a simulator's `/__sim/` router: controls for tests in other processes and for humans. Not part of any
 * PSA's API: no credentials, answered only to loopback clients, and a form POST from another site is refused (a page
 * on the internet must not be able to reset the simulator).
 *
 * Every POST accepts JSON or a plain HTML form. JSON callers get JSON back; a form submission is redirected (303) to
 * the control page with a short notice, or with the error.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { blankToUndefined } from './control-schema.ts';
import { STYLESHEET } from './html.ts';
import { NotFoundInStateError } from './records.ts';

/** Answers a control request: JSON for JSON callers, a redirect with a notice for form posts. */
export type Done = (req: Request, res: Response, notice: string, data: unknown) => void;

export const done: Done = (req, res, notice, data) => {
  if (isForm(req)) {
    res.redirect(303, `${req.baseUrl}/?notice=${encodeURIComponent(notice)}`);
    return;
  }
  res.json(data);
};

export interface ControlFrame {
  /** Let non-loopback clients in (e.g. the simulator in a container). */
  allowRemote: boolean;
  /** `GET /__sim/`: the control page. */
  page(req: Request, res: Response): void;
  /** The simulator's own routes. */
  routes(router: Router): void;
  /** `GET /__sim/requests` lists it, `POST /__sim/requests/clear` empties it. */
  requestLog: { readonly entries: readonly unknown[]; clear(): void };
  /** The status of an error that is not a missing record, a bad input or one with a status of its own. */
  otherErrorStatus: number;
}

const limit = z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(10_000).default(200));

export function controlRouter(frame: ControlFrame): Router {
  const router = express.Router();
  router.use(localOnly(frame.allowRemote));
  router.use(express.json({ limit: '256kb' }));
  router.use(express.urlencoded({ extended: false, limit: '256kb' }));

  router.get('/', (req, res) => {
    frame.page(req, res);
  });
  router.get('/style.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'no-cache').send(STYLESHEET);
  });

  frame.routes(router);

  const log = frame.requestLog;
  router.get('/requests', (req, res) => {
    const newest = limit.parse(req.query.limit);
    res.json({ total: log.entries.length, requests: log.entries.slice(-newest) });
  });
  const clearLog = (req: Request, res: Response) => {
    log.clear();
    done(req, res, 'Request log cleared.', { ok: true });
  };
  router.post('/requests/clear', clearLog);
  router.delete('/requests', clearLog);

  router.use((req: Request, res: Response) => {
    res.status(404).json({ error: `No control endpoint ${req.method} ${req.baseUrl}${req.path}.` });
  });
  router.use(errorHandler(frame.otherErrorStatus));
  return router;
}

/** `POST /settings`: the fields given (checked by `schema`) replace the simulator's; the answer is the settings. */
export function settingsRoute(router: Router, schema: z.ZodType<Record<string, unknown>>, settings: object): void {
  router.post('/settings', (req, res) => {
    const body = schema.parse(req.body ?? {});
    for (const [key, value] of Object.entries(body)) {
      if (value !== undefined) Object.assign(settings, { [key]: value });
    }
    done(req, res, 'Settings saved.', { settings });
  });
}

function errorHandler(otherStatus: number) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const status =
      error instanceof NotFoundInStateError
        ? 404
        : error instanceof z.ZodError
          ? 400
          : isHttpError(error)
            ? error.status
            : otherStatus;
    const message =
      error instanceof z.ZodError
        ? error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')
        : error instanceof Error
          ? error.message
          : String(error);
    if (isForm(req)) {
      res.redirect(303, `${req.baseUrl}/?error=${encodeURIComponent(message)}`);
      return;
    }
    res.status(status).json({ error: message });
  };
}

function isForm(req: Request): boolean {
  return req.is('application/x-www-form-urlencoded') === 'application/x-www-form-urlencoded';
}

function isHttpError(error: unknown): error is { status: number } {
  return typeof error === 'object' && error !== null && typeof (error as { status?: unknown }).status === 'number';
}

const LOOPBACK = /^(?:127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

function localOnly(allowRemote: boolean) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!allowRemote && !LOOPBACK.test(req.socket.remoteAddress ?? '')) {
      res.status(403).json({ error: 'The simulator control API only answers loopback clients.' });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD' && crossSite(req)) {
      res.status(403).json({ error: 'Cross-site requests to the simulator control API are refused.' });
      return;
    }
    next();
  };
}

function crossSite(req: Request): boolean {
  if (req.get('sec-fetch-site') === 'cross-site') return true;
  const origin = req.get('origin');
  if (!origin || origin === 'null') return origin === 'null';
  try {
    return new URL(origin).host !== req.get('host');
  } catch {
    return true;
  }
}
