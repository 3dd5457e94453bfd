/**
 * `/__sim/`: controls for tests in other processes (the browser end-to-end test) and for humans.
 * Not part of Autotask's API: no credentials, answered only to loopback clients, and a form POST
 * from another site is refused (a page on the internet must not be able to reset the demo).
 *
 * Every POST accepts JSON or a plain HTML form. JSON callers get JSON back; a form submission is
 * redirected (303) to the control page with a short notice.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { renderControlPage } from './control-page.ts';
import { tenantFieldRoutes } from './control-tenant-fields.ts';
import type { Faults } from './faults.ts';
import { STYLESHEET } from './html.ts';
import { NotFoundInStateError, type SimulatorState } from './store.ts';
import type { ThreadLimiter } from './thread-limit.ts';
import type { SimUser } from './types.ts';
import { setThresholdUsed, thresholdUsage } from './threshold.ts';

export interface ControlOptions {
  faults: Faults;
  /** The API's thread limiter, for holding slots as another integration of the tenant would. */
  threads?: ThreadLimiter | undefined;
  /** Allow non-loopback clients (e.g. the simulator in a container). Default false. */
  allowRemote?: boolean | undefined;
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(blankToUndefined, z.string().trim().optional());
const optionalInt = z.preprocess(blankToUndefined, z.coerce.number().int().optional());
const optionalPositiveInt = z.preprocess(blankToUndefined, z.coerce.number().int().min(1).optional());
/** Forms send "on"/"true"/"1"; JSON sends booleans. */
const booleanish = z.preprocess((v) => {
  if (typeof v === 'string') return ['on', 'true', '1', 'yes'].includes(v.trim().toLowerCase());
  return v;
}, z.boolean());
const optionalBoolean = z.preprocess(blankToUndefined, booleanish.optional());
const match = { method: optionalString, entity: optionalString };

const schemas = {
  addCompany: z.object({
    id: optionalInt,
    companyName: z.string().trim().min(1).max(100),
    isActive: optionalBoolean,
    city: optionalString,
    companyType: optionalInt,
  }),
  rename: z
    .object({ companyName: optionalString, name: optionalString })
    .refine((v) => (v.companyName ?? v.name) !== undefined, 'companyName is required'),
  status: z.object({ status: z.coerce.number().int() }),
  timeEntry: z.object({
    billable: z.preprocess(blankToUndefined, booleanish.default(true)),
    hours: z.preprocess(blankToUndefined, z.coerce.number().positive().max(24).optional()),
    summaryNotes: optionalString,
  }),
  latency: z.object({ ms: z.coerce.number().int().min(0).max(600_000), ...match }),
  fail: z.object({
    count: optionalPositiveInt,
    status: z.preprocess(blankToUndefined, z.coerce.number().int().min(100).max(599).optional()),
    message: optionalString,
    errors: z.array(z.string()).optional(),
    body: z.preprocess(blankToUndefined, z.enum(['errors', 'empty', 'text']).optional()),
    text: optionalString,
    ...match,
  }),
  hang: z.object({ count: optionalPositiveInt, afterApply: optionalBoolean, ...match }),
  drop: z.object({ count: optionalPositiveInt, ...match }),
  rateLimit: z.object({
    count: optionalPositiveInt,
    retryAfterSeconds: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).optional()),
    message: optionalString,
    ...match,
  }),
  threadThreshold: z.object({ count: optionalPositiveInt, afterApply: optionalBoolean, ...match }),
  holdThreads: z.object({
    entity: z.string().trim().min(1),
    count: optionalPositiveInt,
    integrationCode: optionalString,
  }),
  rateLimitMode: z.object({
    on: booleanish,
    retryAfterSeconds: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).optional()),
  }),
  settings: z.object({
    threadLimit: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).optional()),
    threadLimitStatus: z.preprocess(blankToUndefined, z.coerce.number().int().min(400).max(599).optional()),
    requestThreshold: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).optional()),
  }),
  threshold: z.object({
    used: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(1_000_000).optional()),
    limit: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(1_000_000).optional()),
  }),
  permissions: z.object({ username: optionalString, canViewNonBillable: booleanish }),
  id: z.coerce.number().int().min(0),
  limit: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(10_000).default(200)),
};

export function controlRouter(state: SimulatorState, options: ControlOptions): Router {
  const { faults } = options;
  const router = express.Router();
  router.use(localOnly(options.allowRemote ?? false));
  router.use(express.json({ limit: '256kb' }));
  router.use(express.urlencoded({ extended: false, limit: '256kb' }));

  router.get('/', (req, res) => {
    renderControlPage(req, res, state, faults, options.threads);
  });
  router.get('/style.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'no-cache').send(STYLESHEET);
  });

  router.get('/state', (_req, res) => {
    res.json({
      companies: state.companies,
      tickets: state.tickets,
      ticketNotes: state.ticketNotes,
      timeEntries: state.timeEntries,
      settings: state.settings,
    });
  });
  router.get('/credentials', (req, res) => {
    const origin = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    const user = state.users[0];
    res.json({
      zoneLookupUrl: `${origin}/ATServicesRest`,
      apiUrl: `${origin}/ATServicesRest/`,
      webUrl: `${origin}/`,
      username: user?.username,
      secret: user?.secret,
      integrationCode: user?.integrationCode,
    });
  });

  // ---- Autotask-side changes -----------------------------------------------------------------
  router.post('/companies', (req, res) => {
    const body = schemas.addCompany.parse(req.body ?? {});
    const company = state.addCompany({
      companyName: body.companyName,
      ...(body.id === undefined ? {} : { id: body.id }),
      ...(body.isActive === undefined ? {} : { isActive: body.isActive }),
      ...(body.city === undefined ? {} : { city: body.city }),
      ...(body.companyType === undefined ? {} : { companyType: body.companyType }),
    });
    done(req, res, `Added company ${company.id} "${company.companyName}".`, { company });
  });
  router.post('/companies/:id/rename', (req, res) => {
    const body = schemas.rename.parse(req.body ?? {});
    const company = state.renameCompany(schemas.id.parse(req.params.id), body.companyName ?? body.name ?? '');
    done(req, res, `Renamed company ${company.id} to "${company.companyName}".`, { company });
  });
  router.post('/companies/:id/deactivate', (req, res) => {
    const company = state.deactivateCompany(schemas.id.parse(req.params.id));
    done(req, res, `Deactivated company ${company.id}.`, { company });
  });
  router.post('/companies/:id/activate', (req, res) => {
    const company = state.activateCompany(schemas.id.parse(req.params.id));
    done(req, res, `Activated company ${company.id}.`, { company });
  });
  const deleteCompany = (req: Request, res: Response) => {
    const company = state.deleteCompany(schemas.id.parse(req.params.id));
    done(req, res, `Deleted company ${company.id} "${company.companyName}".`, { company });
  };
  router.post('/companies/:id/delete', deleteCompany);
  router.delete('/companies/:id', deleteCompany);

  router.post('/tickets/:id/status', (req, res) => {
    const { status } = schemas.status.parse(req.body ?? {});
    const ticket = state.setTicketStatus(schemas.id.parse(req.params.id), status);
    done(req, res, `Ticket ${ticket.ticketNumber} now has status ${status}.`, { ticket });
  });
  router.post('/tickets/:id/time-entries', (req, res) => {
    const body = schemas.timeEntry.parse(req.body ?? {});
    const timeEntry = state.addTimeEntry(schemas.id.parse(req.params.id), {
      billable: body.billable,
      ...(body.hours === undefined ? {} : { hours: body.hours }),
      ...(body.summaryNotes === undefined ? {} : { summaryNotes: body.summaryNotes }),
    });
    done(
      req,
      res,
      `Added a ${body.billable ? 'billable' : 'non-billable'} time entry to ticket ${timeEntry.ticketID}.`,
      {
        timeEntry,
      },
    );
  });
  const removeTimeEntries = (req: Request, res: Response) => {
    const ticketId = schemas.id.parse(req.params.id);
    const removed = state.removeTimeEntries(ticketId);
    done(req, res, `Removed ${removed} time entr${removed === 1 ? 'y' : 'ies'} from ticket ${ticketId}.`, { removed });
  };
  router.post('/tickets/:id/time-entries/delete', removeTimeEntries);
  router.delete('/tickets/:id/time-entries', removeTimeEntries);

  // ---- faults ----------------------------------------------------------------------------------
  router.get('/faults', (_req, res) => {
    res.json(faults.snapshot());
  });
  router.post('/faults/latency', (req, res) => {
    const body = schemas.latency.parse(req.body ?? {});
    faults.setLatency(body.ms, { entity: body.entity });
    done(req, res, `Latency ${body.ms} ms on ${body.entity ?? 'all calls'}.`, faults.snapshot());
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
    done(req, res, `The next ${body.count ?? 1} matching call(s) will be applied and then dropped.`, faults.snapshot());
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
  router.post('/faults/thread-threshold', (req, res) => {
    const body = schemas.threadThreshold.parse(req.body ?? {});
    faults.threadThresholdNext(body);
    done(
      req,
      res,
      `The next ${body.count ?? 1} matching call(s) will get the thread-threshold rejection${body.afterApply ? ' after being applied' : ''}.`,
      faults.snapshot(),
    );
  });
  router.post('/faults/clear', (req, res) => {
    faults.clear();
    options.threads?.releaseHeld();
    done(req, res, 'All faults cleared.', faults.snapshot());
  });

  // ---- thread limit: slots of a tracking identifier held as another integration of the tenant would --------------
  router.get('/threads', (_req, res) => {
    res.json(threadsView(state, options.threads));
  });
  router.post('/threads/hold', (req, res) => {
    const body = schemas.holdThreads.parse(req.body ?? {});
    const threads = requireThreads(options.threads);
    const code = body.integrationCode ?? state.users[0]?.integrationCode ?? '';
    const limit = state.settings.threadLimit;
    const held = threads.hold(code, body.entity, body.count ?? limit, limit);
    done(req, res, `${held} of ${limit} threads on ${body.entity} are held busy.`, threadsView(state, threads));
  });
  router.post('/threads/release', (req, res) => {
    const released = requireThreads(options.threads).releaseHeld();
    done(req, res, `Released ${released} held thread(s).`, threadsView(state, options.threads));
  });
  // The most requests at once per key (GET /threads, `highWater`), from now on: for a test that checks that several
  // clients together keep to the limit.
  router.post('/threads/high-water/reset', (req, res) => {
    requireThreads(options.threads).resetHighWater();
    done(req, res, 'The thread high-water marks start afresh.', threadsView(state, options.threads));
  });

  router.post('/settings', (req, res) => {
    const body = schemas.settings.parse(req.body ?? {});
    for (const [key, value] of Object.entries(body)) {
      if (value !== undefined) Object.assign(state.settings, { [key]: value });
    }
    done(req, res, 'Settings saved.', { settings: state.settings });
  });

  // The tenant's hourly budget as ThresholdInformation reports it. `used` stands in for every other
  // integration of the tenant: the window is set to hold that many requests (see threshold.ts).
  router.get('/threshold', (_req, res) => {
    res.json(thresholdUsage(state));
  });
  router.post('/threshold', (req, res) => {
    const body = schemas.threshold.parse(req.body ?? {});
    if (body.limit !== undefined) state.settings.requestThreshold = body.limit;
    if (body.used !== undefined) setThresholdUsed(state, body.used);
    const usage = thresholdUsage(state);
    done(req, res, `Hourly budget: ${usage.used} of ${usage.limit} requests used.`, usage);
  });

  // The API user's security level: without "Can view non-billable time entries" those entries
  // vanish from TimeEntries queries and counts (no error), as in Autotask.
  router.get('/users', (_req, res) => {
    res.json({ users: state.users.map(publicUser) });
  });
  router.post('/users/permissions', (req, res) => {
    const body = schemas.permissions.parse(req.body ?? {});
    const user = state.setCanViewNonBillable(body.canViewNonBillable, body.username);
    done(
      req,
      res,
      `${user.username} ${body.canViewNonBillable ? 'can' : 'can no longer'} view non-billable time entries.`,
      { user: publicUser(user) },
    );
  });

  // Ticket fields the tenant requires, and the Work Types, contacts and picklist values they use.
  tenantFieldRoutes(router, state, done);

  router.post('/reset', (req, res) => {
    faults.clear();
    options.threads?.releaseHeld();
    options.threads?.resetHighWater();
    state.reset();
    done(req, res, 'The simulator was reset to its seed.', { ok: true });
  });

  // ---- request log -------------------------------------------------------------------------------
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
  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status =
      error instanceof NotFoundInStateError
        ? 404
        : error instanceof z.ZodError
          ? 400
          : isHttpError(error)
            ? error.status
            : 500;
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
  });
  return router;
}

/** An API user without its secret, with its permissions spelled out. */
function publicUser(u: SimUser) {
  return { username: u.username, canViewNonBillable: u.canViewNonBillable !== false };
}

function threadsView(state: SimulatorState, threads: ThreadLimiter | undefined) {
  return {
    limit: state.settings.threadLimit,
    status: state.settings.threadLimitStatus,
    ...(threads?.snapshot() ?? { inFlight: [], held: [], highWater: [] }),
  };
}

function requireThreads(threads: ThreadLimiter | undefined): ThreadLimiter {
  if (!threads) throw Object.assign(new Error('This simulator has no thread limiter to control.'), { status: 409 });
  return threads;
}

function done(req: Request, res: Response, notice: string, data: unknown): void {
  if (isForm(req)) {
    res.redirect(303, `${req.baseUrl}/?notice=${encodeURIComponent(notice)}`);
    return;
  }
  res.json(data);
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
