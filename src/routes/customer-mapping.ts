import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { AutotaskError } from '../autotask/client.ts';
import { AppError, ConflictError, RuleError, UpstreamError, ValidationError } from '../errors/catalogue.ts';
import { requireRole } from '../middleware/auth.ts';
import { flash } from '../middleware/flash.ts';
import { actorOf } from '../services/accounts/audit.ts';
import { explainAutotaskError } from '../errors/autotask-messages.ts';
import {
  clearMapping,
  companyIdForm,
  companySearchForm,
  getCustomerWithMapping,
  mapCustomer,
  refreshAllMappings,
  SEARCH_LIMIT,
  searchCompaniesForMapping,
  type MappingDeps,
  type SearchHit,
} from '../services/mapping/map-customer.ts';
import { COMPANY_SYNC_KIND, refreshAfterPageView, refreshCustomerMapping } from '../services/mapping/company-sync.ts';
import { deferWork } from '../shared/deferred-work.ts';
import { getIntegrationSettings, hasCredentials } from '../services/integration/settings.ts';
import { confirmExactSuggestions, suggestMappings, SUGGESTIONS_PAGE_SIZE } from '../services/mapping/suggestions.ts';
import { parseForm, parseOrThrow } from '../shared/validation.ts';

const idParam = z.object({ id: z.coerce.number().int().positive() });
const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(10_000).default(1).catch(1) });
const confirmForm = z.object({
  customerId: z.coerce.number().int().positive(),
  companyId: z.coerce.number().int().positive(),
  page: z.coerce.number().int().min(1).max(10_000).default(1).catch(1),
});
const pairsForm = z.object({
  pair: z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(
      z
        .array(z.string().regex(/^\d{1,10}:\d{1,10}$/))
        .min(1, 'No exact suggestions were sent.')
        .max(500),
    ),
  page: z.coerce.number().int().min(1).max(10_000).default(1).catch(1),
});

/** Where to go back to after an action: only a Customers page of this app, never elsewhere. */
function returnTo(value: unknown, fallback: string): string {
  return typeof value === 'string' && /^\/customers(?:[/?]|$)/.test(value) && !/[\\\s]|\/\//.test(value)
    ? value
    : fallback;
}

/** A failure to show inside the page, with Autotask's own words under ours. */
interface Problem {
  readonly message: string;
  readonly detail?: string | undefined;
  readonly fixUrl?: string | undefined;
}

function problemOf(e: unknown): Problem | null {
  if (e instanceof AutotaskError) e = explainAutotaskError(e);
  if (e instanceof UpstreamError) return { message: e.message, detail: e.detail };
  if (e instanceof RuleError) return { message: e.message, fixUrl: e.fixUrl, detail: e.detail };
  return null;
}

/**
 * Customer ↔ Autotask company mapping, mounted under /customers next to the Customers page.
 * Every change, and every Autotask search (it costs requests from the tenant's hourly budget), is
 * for admins; the mapping page itself may be seen by every signed-in role.
 */
export function customerMappingRoutes(ctx: AppContext): Router {
  const db = ctx.database.prisma;
  const router = Router();
  const logger = ctx.logger.child({ component: 'company-sync' });

  /** The Autotask client for an admin's action; RuleError when credentials are missing. */
  const deps = async (): Promise<MappingDeps> => ({
    db,
    client: ctx.autotask.client(await getIntegrationSettings(db)),
  });

  // The Customers list (rendered by routes/customers.ts): mapping data for its toolbar, and after
  // the page has been sent, a refresh of mappings synced over an hour ago.
  router.get('/', async (req, res, next) => {
    res.locals.customersUrl = req.originalUrl;
    res.locals.lastCompanySync = await db.syncLog.findFirst({
      where: { kind: COMPANY_SYNC_KIND, finishedAt: { not: null } },
      orderBy: { id: 'desc' },
    });
    res.on('finish', () => {
      if (res.statusCode !== 200) return;
      deferWork(
        () => refreshAfterPageView({ db, access: ctx.autotask, logger }),
        (err) => logger.error({ err }, 'company sync after page view failed'),
      );
    });
    next();
  });

  const renderMappingPage = async (
    res: Response,
    customerId: number,
    extra: {
      values?: Record<string, unknown>;
      errors?: Record<string, string>;
      hits?: SearchHit[] | null;
      problem?: Problem | null;
      returnTo?: string;
    } = {},
  ) => {
    const [customer, settings] = await Promise.all([
      getCustomerWithMapping(db, customerId),
      getIntegrationSettings(db),
    ]);
    res.render('customers/mapping', {
      title: `Autotask company of ${customer.name}`,
      customer,
      integration: { enabled: settings.enabled, hasCredentials: hasCredentials(settings) },
      values: {},
      errors: {},
      hits: null,
      problem: null,
      searchLimit: SEARCH_LIMIT,
      returnTo: '/customers',
      ...extra,
    });
  };

  // Everyone signed in may see a customer's mapping (Run Checks links here when tickets are blocked).
  router.get('/:id/mapping', async (req, res) => {
    const { id } = parseOrThrow(idParam, req.params);
    await renderMappingPage(res, id, { returnTo: returnTo(req.query.returnTo, '/customers') });
  });

  router.get('/:id/mapping/search', requireRole('admin'), async (req, res) => {
    const { id } = parseOrThrow(idParam, req.params);
    const back = returnTo(req.query.returnTo, '/customers');
    const values = { q: req.query.q, includeInactive: req.query.includeInactive };
    const form = parseForm(companySearchForm, req.query);
    if (!form.ok) return renderMappingPage(res.status(422), id, { values, errors: form.errors, returnTo: back });
    try {
      const hits = await searchCompaniesForMapping(await deps(), form.data);
      await renderMappingPage(res, id, {
        values: { ...values, includeInactive: form.data.includeInactive },
        hits,
        returnTo: back,
      });
    } catch (e) {
      const problem = problemOf(e);
      if (!problem) throw e;
      await renderMappingPage(res.status(e instanceof AppError ? e.status : 502), id, {
        values,
        problem,
        returnTo: back,
      });
    }
  });

  router.post('/:id/mapping', requireRole('admin'), async (req, res) => {
    const { id } = parseOrThrow(idParam, req.params);
    const back = returnTo(req.body?.returnTo, '/customers');
    const values = { companyId: req.body?.companyId, q: req.body?.q };
    const form = parseForm(companyIdForm, req.body);
    if (!form.ok) return renderMappingPage(res.status(422), id, { values, errors: form.errors, returnTo: back });
    try {
      const { customer, company } = await mapCustomer(
        await deps(),
        actorOf(req.user!),
        id,
        form.data.companyId,
        form.data.source,
      );
      flash(req, {
        type: 'success',
        text: `Mapped ${customer.name} to Autotask company ${company.name} (ID ${company.id}).`,
      });
      res.redirect(back);
    } catch (e) {
      if (e instanceof ValidationError) {
        return renderMappingPage(res.status(422), id, { values, errors: { ...e.fieldErrors }, returnTo: back });
      }
      if (e instanceof ConflictError) {
        return renderMappingPage(res.status(409), id, { values, errors: { companyId: e.message }, returnTo: back });
      }
      const problem = problemOf(e);
      if (!problem) throw e;
      await renderMappingPage(res.status(e instanceof AppError ? e.status : 502), id, {
        values,
        problem,
        returnTo: back,
      });
    }
  });

  router.post('/:id/mapping/clear', requireRole('admin'), async (req, res) => {
    const { id } = parseOrThrow(idParam, req.params);
    const customer = await getCustomerWithMapping(db, id);
    const { cleared } = await clearMapping(db, actorOf(req.user!), id);
    flash(
      req,
      cleared
        ? {
            type: 'success',
            text: `Cleared the Autotask mapping of ${customer.name}. Existing tickets stay linked to their runs; new tickets are blocked until it is mapped again.`,
          }
        : { type: 'info', text: `${customer.name} was not mapped.` },
    );
    res.redirect(returnTo(req.body?.returnTo, '/customers'));
  });

  router.post('/:id/mapping/refresh', requireRole('admin'), async (req, res) => {
    const { id } = parseOrThrow(idParam, req.params);
    const back = returnTo(req.body?.returnTo, '/customers');
    const customer = await getCustomerWithMapping(db, id);
    try {
      const mapping = await refreshCustomerMapping(await deps(), id, 'manual');
      if (!mapping || mapping.companyId === null) {
        flash(req, {
          type: 'info',
          text: `${customer.name} is not mapped to an Autotask company, so there is nothing to refresh.`,
        });
      } else if (mapping.status === 'invalid') {
        flash(req, {
          type: 'warning',
          text: `The mapping of ${customer.name} is invalid: ${mapping.statusReason ?? ''} Tickets are blocked until it is fixed.`,
        });
      } else if (mapping.status === 'renamed') {
        flash(req, {
          type: 'info',
          text: `Company ${mapping.companyId} is now called ${mapping.companyName} in Autotask. The cached name is updated; the customer keeps its own name.`,
        });
      } else {
        flash(req, {
          type: 'success',
          text: `Checked ${mapping.companyName} (ID ${mapping.companyId}) in Autotask: no change.`,
        });
      }
    } catch (e) {
      const problem = problemOf(e);
      if (!problem) throw e;
      flash(req, {
        type: 'error',
        text: `Could not refresh the mapping of ${customer.name}; its status is unchanged. ${problem.message}`,
        ...(problem.detail ? { detail: problem.detail } : {}),
      });
    }
    res.redirect(back);
  });

  router.post('/mappings/refresh-all', requireRole('admin'), async (req, res) => {
    const back = returnTo(req.body?.returnTo, '/customers');
    try {
      const s = await refreshAllMappings(await deps(), actorOf(req.user!));
      if (s.errors > 0) {
        const problem = problemOf(s.failure) ?? { message: s.message ?? '' };
        flash(req, {
          type: 'error',
          text: `${s.errors} of ${s.errors + s.checked} mappings could not be checked; their statuses are unchanged. ${problem.message}`,
          ...(problem.detail ? { detail: problem.detail } : {}),
        });
      }
      if (s.checked > 0 || s.errors === 0) {
        flash(req, {
          type: 'success',
          text: `Refreshed ${s.checked} mapping${s.checked === 1 ? '' : 's'}: ${s.renamed} renamed, ${s.invalid} invalid.`,
        });
      }
    } catch (e) {
      const problem = problemOf(e);
      if (!problem) throw e;
      flash(req, { type: 'error', text: problem.message, ...(problem.detail ? { detail: problem.detail } : {}) });
    }
    res.redirect(back);
  });

  // Suggestions search Autotask (one request per customer on the page), so they are for admins.
  router.get('/mappings/suggestions', requireRole('admin'), async (req, res) => {
    const { page } = parseOrThrow(pageQuery, req.query);
    try {
      const report = await suggestMappings(await deps(), { page });
      res.render('customers/suggestions', {
        title: 'Mapping suggestions',
        report,
        page,
        pageSize: SUGGESTIONS_PAGE_SIZE,
        problem: null,
      });
    } catch (e) {
      const problem = problemOf(e);
      if (!problem) throw e;
      res.status(e instanceof AppError ? e.status : 502).render('customers/suggestions', {
        title: 'Mapping suggestions',
        report: null,
        page,
        pageSize: SUGGESTIONS_PAGE_SIZE,
        problem,
      });
    }
  });

  const backToSuggestions = (page: number) => `/customers/mappings/suggestions${page > 1 ? `?page=${page}` : ''}`;

  router.post('/mappings/suggestions/confirm', requireRole('admin'), async (req, res) => {
    const form = parseOrThrow(confirmForm, req.body);
    try {
      const { customer, company } = await mapCustomer(
        await deps(),
        actorOf(req.user!),
        form.customerId,
        form.companyId,
        'suggestion',
      );
      flash(req, {
        type: 'success',
        text: `Mapped ${customer.name} to Autotask company ${company.name} (ID ${company.id}).`,
      });
    } catch (e) {
      reportFailure(req, e, 'The suggestion was not applied.');
    }
    res.redirect(backToSuggestions(form.page));
  });

  router.post('/mappings/suggestions/confirm-exact', requireRole('admin'), async (req, res) => {
    const form = parseOrThrow(pairsForm, req.body);
    const pairs = form.pair.map((p) => {
      const [customerId, companyId] = p.split(':').map(Number) as [number, number];
      return { customerId, companyId };
    });
    try {
      const outcome = await confirmExactSuggestions(await deps(), actorOf(req.user!), pairs);
      flash(req, {
        type: outcome.mapped.length > 0 ? 'success' : 'info',
        text: `Mapped ${outcome.mapped.length} customer${outcome.mapped.length === 1 ? '' : 's'} to their exactly matching Autotask company.`,
      });
      for (const s of outcome.skipped.slice(0, 10)) {
        flash(req, { type: 'warning', text: `Skipped customer ${s.customerId} → company ${s.companyId}: ${s.reason}` });
      }
    } catch (e) {
      reportFailure(req, e, 'No suggestion was applied.');
    }
    res.redirect(backToSuggestions(form.page));
  });

  return router;
}

/** Known failures become a flash message on the page the admin returns to; others go to the error page. */
function reportFailure(req: Request, e: unknown, prefix: string): void {
  if (e instanceof ValidationError) {
    flash(req, { type: 'error', text: `${prefix} ${Object.values(e.fieldErrors).join(' ')}` });
    return;
  }
  if (e instanceof ConflictError) {
    flash(req, { type: 'error', text: `${prefix} ${e.message}` });
    return;
  }
  const problem = problemOf(e);
  if (!problem) throw e;
  flash(req, {
    type: 'error',
    text: `${prefix} ${problem.message}`,
    ...(problem.detail ? { detail: problem.detail } : {}),
  });
}
