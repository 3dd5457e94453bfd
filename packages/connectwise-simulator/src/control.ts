/**
 * `/__sim/`: controls for tests in other processes and for humans. Not part of ConnectWise's API: no credentials,
 * answered only to loopback clients, and a form POST from another site is refused (a page on the internet must not be
 * able to reset the simulator).
 *
 * Every POST accepts JSON or a plain HTML form. JSON callers get JSON back; a form submission is redirected (303) to
 * the control page with a short notice.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { renderControlPage } from './control-page.ts';
import {
  blankToUndefined,
  booleanish,
  optionalBoolean,
  optionalInt,
  optionalString,
  type Done,
} from './control-schema.ts';
import { seedRoutes } from './control-seed.ts';
import type { Faults } from './faults.ts';
import { STYLESHEET } from './html.ts';
import { NotFoundInStateError, type ConnectWiseState } from './store.ts';

export interface ControlOptions {
  faults: Faults;
  /** Allow non-loopback clients (e.g. the simulator in a container). Default false. */
  allowRemote?: boolean | undefined;
}

const match = { method: optionalString, resource: optionalString };

const schemas = {
  latency: z.object({ ms: z.coerce.number().int().min(0).max(600_000), resource: optionalString }),
  fail: z.object({
    count: optionalInt(1, 1000),
    status: optionalInt(100, 599),
    body: z.preprocess(blankToUndefined, z.enum(['error', 'json', 'empty', 'text']).optional()),
    code: optionalString,
    message: optionalString,
    json: z.unknown().optional(),
    text: optionalString,
    ...match,
  }),
  hang: z.object({ count: optionalInt(1, 1000), afterApply: optionalBoolean, ...match }),
  drop: z.object({ count: optionalInt(1, 1000), ...match }),
  rateLimit: z.object({
    count: optionalInt(1, 1000),
    retryAfterSeconds: optionalInt(0, 86_400),
    message: optionalString,
    ...match,
  }),
  rateLimitMode: z.object({ on: booleanish, retryAfterSeconds: optionalInt(0, 86_400) }),
  limit: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(10_000).default(200)),
};

export function controlRouter(state: ConnectWiseState, options: ControlOptions): Router {
  const { faults } = options;
  const router = express.Router();
  router.use(localOnly(options.allowRemote ?? false));
  router.use(express.json({ limit: '256kb' }));
  router.use(express.urlencoded({ extended: false, limit: '256kb' }));

  router.get('/', (req, res) => {
    renderControlPage(req, res, state, faults);
  });
  router.get('/style.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'no-cache').send(STYLESHEET);
  });
  router.get('/state', (_req, res) => {
    res.json({
      companies: state.companies,
      tickets: state.tickets,
      notes: state.notes,
      timeEntries: state.timeEntries,
      settings: state.settings,
    });
  });
  router.get('/credentials', (req, res) => {
    const site = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    const { companyId, publicKey, privateKey, clientId } = state.credentials;
    res.json({
      siteUrl: site,
      baseUrl: `${site}/${state.settings.codebase}/apis/3.0`,
      companyId,
      publicKey,
      privateKey,
      clientId,
      authorization: `Basic ${Buffer.from(`${companyId}+${publicKey}:${privateKey}`).toString('base64')}`,
    });
  });
  router.post('/reset', (req, res) => {
    faults.clear();
    state.reset();
    done(req, res, 'The simulator was reset to its seed.', { ok: true });
  });

  seedRoutes(router, state, done);
  faultRoutes(router, faults);

  router.get('/requests', (req, res) => {
    const limit = schemas.limit.parse(req.query.limit);
    res.json({ total: state.requestLog.length, requests: state.requestLog.slice(-limit) });
  });
  const clearLog = (req: Request, res: Response) => {
    state.clearRequestLog();
    done(req, res, 'Request log cleared.', { ok: true });
  };
  router.post('/requests/clear', clearLog);
  router.delete('/requests', clearLog);

  router.use((req: Request, res: Response) => {
    res.status(404).json({ error: `No control endpoint ${req.method} ${req.baseUrl}${req.path}.` });
  });
  router.use(errorHandler);
  return router;
}

function faultRoutes(router: Router, faults: Faults): void {
  router.get('/faults', (_req, res) => {
    res.json(faults.snapshot());
  });
  router.post('/faults/latency', (req, res) => {
    const body = schemas.latency.parse(req.body ?? {});
    faults.setLatency(body.ms, { resource: body.resource });
    done(req, res, `Latency ${body.ms} ms on ${body.resource ?? 'all calls'}.`, faults.snapshot());
  });
  router.post('/faults/fail', (req, res) => {
    const body = schemas.fail.parse(req.body ?? {});
    faults.failNext(body);
    done(
      req,
      res,
      `The next ${body.count ?? 1} matching call(s) will fail with ${body.status ?? 500}.`,
      faults.snapshot(),
    );
  });
  router.post('/faults/hang', (req, res) => {
    const body = schemas.hang.parse(req.body ?? {});
    faults.hangNext(body);
    done(req, res, `The next ${body.count ?? 1} matching call(s) will hang.`, faults.snapshot());
  });
  router.post('/faults/drop', (req, res) => {
    const body = schemas.drop.parse(req.body ?? {});
    faults.dropResponseNext(body);
    done(
      req,
      res,
      `The next ${body.count ?? 1} matching call(s) will be applied and their answer lost.`,
      faults.snapshot(),
    );
  });
  router.post('/faults/rate-limit', (req, res) => {
    const body = schemas.rateLimit.parse(req.body ?? {});
    faults.rateLimitNext(body);
    done(req, res, `The next ${body.count ?? 1} matching call(s) will get 429.`, faults.snapshot());
  });
  router.post('/faults/rate-limit-mode', (req, res) => {
    const body = schemas.rateLimitMode.parse(req.body ?? {});
    faults.setRateLimited(
      body.on ? (body.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: body.retryAfterSeconds }) : false,
    );
    done(req, res, body.on ? 'Rate limiting is on: every call gets 429.' : 'Rate limiting is off.', faults.snapshot());
  });
  router.post('/faults/clear', (req, res) => {
    faults.clear();
    done(req, res, 'All faults cleared.', faults.snapshot());
  });
}

function errorHandler(error: unknown, req: Request, res: Response, _next: NextFunction): void {
  const status =
    error instanceof NotFoundInStateError
      ? 404
      : error instanceof z.ZodError
        ? 400
        : isHttpError(error)
          ? error.status
          : 409;
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
}

export const done: Done = (req, res, notice, data) => {
  if (isForm(req)) {
    res.redirect(303, `${req.baseUrl}/?notice=${encodeURIComponent(notice)}`);
    return;
  }
  res.json(data);
};

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
