/**
 * `/__sim/`: controls for tests in other processes (the browser end-to-end test) and for humans, in the simulator
 * kit's frame (packages/simulator-kit/src/control.ts: loopback only, no cross-site posts, JSON or form).
 */
import {
  blankToUndefined,
  booleanish,
  controlRouter as kitControlRouter,
  done,
  faultRoutes,
  optionalBoolean,
  optionalInt,
  optionalString,
  settingsRoute,
} from '@backupchecks/simulator-kit';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { renderControlPage } from './control-page.ts';
import { tenantFieldRoutes } from './control-tenant-fields.ts';
import type { Faults } from './faults.ts';
import type { SimulatorState } from './store.ts';
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

const optionalPositiveInt = optionalInt(1);

const schemas = {
  addCompany: z.object({
    id: optionalInt(),
    companyName: z.string().trim().min(1).max(100),
    isActive: optionalBoolean,
    city: optionalString,
    companyType: optionalInt(),
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
  threadThreshold: z.object({
    count: optionalPositiveInt,
    afterApply: optionalBoolean,
    method: optionalString,
    entity: optionalString,
  }),
  holdThreads: z.object({
    entity: z.string().trim().min(1),
    count: optionalPositiveInt,
    integrationCode: optionalString,
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
};

export function controlRouter(state: SimulatorState, options: ControlOptions): Router {
  return kitControlRouter({
    allowRemote: options.allowRemote ?? false,
    page: (req, res) => renderControlPage(req, res, state, options.faults, options.threads),
    routes: (router) => autotaskRoutes(router, state, options),
    requestLog: { entries: state.requestLog, clear: () => state.clearRequestLog() },
    otherErrorStatus: 500,
  });
}

function autotaskRoutes(router: Router, state: SimulatorState, options: ControlOptions): void {
  const { faults } = options;
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
  faultRoutes(router, {
    faults,
    key: 'entity',
    failFields: {
      errors: z.array(z.string()).optional(),
      body: z.preprocess(blankToUndefined, z.enum(['errors', 'empty', 'text']).optional()),
    },
    failNext: (body) => faults.failNext(body),
    dropNotice: 'applied and then dropped',
    onClear: () => options.threads?.releaseHeld(),
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

  settingsRoute(router, schemas.settings, state.settings);

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
