import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { RuleError, UpstreamError, ValidationError } from '../errors/catalogue.ts';
import { requireRole } from '../middleware/auth.ts';
import { flash } from '../middleware/flash.ts';
import { actorOf } from '../services/accounts/audit.ts';
import {
  formValuesFromBody,
  formValuesOf,
  saveAutotaskSettings,
  settingsFormSchema,
  SYNC_INTERVAL_CHOICES,
  type FormValues,
} from '../services/integration/settings-form.ts';
import {
  NON_BILLABLE_WARNING,
  validateConfiguration,
  type ValidationResult,
} from '../services/integration/validate-configuration.ts';
import { testConnection, type ConnectionTestResult } from '../services/integration/connection-test.ts';
import { diagnosticsQuerySchema, loadDiagnostics } from '../services/integration/diagnostics.ts';
import {
  DELETE_CONFIRMATION_WORD,
  disconnectAutotask,
  disconnectFormSchema,
  disconnectPreview,
} from '../services/integration/disconnect.ts';
import { integrationMarkdown } from '../services/integration/export.ts';
import { loadOverview, syncKindLabel } from '../services/integration/overview.ts';
import { CLOSING_NOTE_TEXT, getIntegrationSettings, hasCredentials } from '../services/integration/settings.ts';
import {
  cachedPicklists,
  picklistFieldNames,
  refreshPicklists,
  selectModel,
} from '../services/integration/picklists.ts';
import { formatDateTime } from '../shared/time.ts';
import { parseForm, parseOrThrow } from '../shared/validation.ts';

const SETTINGS_URL = '/settings/autotask';

/** Typed credentials for Test connection: lenient, blanks mean "use the saved value". */
const typedCredentialsSchema = z.object({
  environment: z.enum(['sandbox', 'production']).optional().catch(undefined),
  apiUsername: z.string().max(100).optional().catch(undefined),
  secret: z.string().max(200).optional().catch(undefined),
  integrationCode: z.string().max(100).optional().catch(undefined),
});

/** Whether a POST carried the settings form (Test connection is a button of that form). */
const carriesForm = (body: unknown) =>
  typeof body === 'object' && body !== null && typeof (body as Record<string, unknown>).environment === 'string';

interface PageExtras {
  values?: FormValues;
  errors?: Record<string, string>;
  test?: ConnectionTestResult | { ok: false; problem: string; detail?: string | undefined } | null;
  validation?: ValidationResult | null;
  secretTyped?: boolean;
}

/**
 * Settings (index) and Settings → Extensions & Integrations → Autotask, for admins: the form, the
 * lists from Autotask, Test connection, Validate configuration, Diagnostics, the Markdown export
 * and Disconnect. Every route checks the role itself.
 */
export function settingsAutotaskRoutes(ctx: AppContext): Router {
  const db = ctx.database.prisma;
  const router = Router();
  const admin = requireRole('admin');
  const fmt = (d: Date) => formatDateTime(d, ctx.config.timezone);

  const renderSettings = async (res: Response, extras: PageExtras = {}) => {
    const settings = await getIntegrationSettings(db);
    const overview = await loadOverview(db, settings, fmt);
    const values = extras.values ?? formValuesOf(settings);
    const picklists = cachedPicklists(settings);
    const selects = Object.fromEntries(picklistFieldNames.map((f) => [f, selectModel(f, picklists, values[f])]));
    res.render('settings/autotask', {
      title: 'Autotask settings',
      settings,
      overview,
      values,
      errors: extras.errors ?? {},
      selects,
      picklistsLoaded: picklists !== null,
      credentialsSaved: hasCredentials(settings),
      secretSaved: settings.secretEncrypted !== null,
      secretTyped: extras.secretTyped ?? false,
      test: extras.test ?? null,
      validation: extras.validation ?? null,
      closingNote: CLOSING_NOTE_TEXT,
      nonBillableWarning: NON_BILLABLE_WARNING,
      syncChoices: SYNC_INTERVAL_CHOICES,
    });
  };

  router.get('/', admin, async (_req, res) => {
    const settings = await getIntegrationSettings(db);
    const overview = await loadOverview(db, settings, fmt);
    res.render('settings/index', { title: 'Settings', overview });
  });

  router.get('/autotask', admin, async (_req, res) => renderSettings(res));

  router.post('/autotask', admin, async (req: Request, res: Response) => {
    const values = formValuesFromBody(req.body);
    const secretTyped = typeof req.body?.secret === 'string' && req.body.secret.trim() !== '';
    const form = parseForm(settingsFormSchema, req.body);
    if (!form.ok) return renderSettings(res.status(422), { values, errors: form.errors, secretTyped });
    let saved;
    try {
      saved = await saveAutotaskSettings(db, ctx.secrets.encryptionKey, actorOf(req.user!), form.data);
    } catch (e) {
      if (e instanceof ValidationError) {
        return renderSettings(res.status(422), { values, errors: { ...e.fieldErrors }, secretTyped });
      }
      throw e;
    }
    flash(req, {
      type: 'success',
      text:
        saved.changed.length > 0
          ? `Autotask settings saved. Changed: ${saved.changed.join(', ')}.`
          : 'Autotask settings saved; nothing changed.',
    });
    // First credentials: fill the dropdowns at once, so the admin can choose the defaults next.
    if (hasCredentials(saved.settings) && saved.settings.picklistsLoadedAt === null) {
      try {
        await refreshPicklists(db, ctx.autotask.client(saved.settings), actorOf(req.user!));
        flash(req, { type: 'info', text: 'The lists were loaded from Autotask. Choose the ticket defaults below.' });
      } catch (e) {
        if (!(e instanceof UpstreamError || e instanceof RuleError)) throw e;
        flash(req, {
          type: 'warning',
          text: `${e.message} Use Test connection to find out why.`,
          ...(e.detail ? { detail: e.detail } : {}),
        });
      }
    }
    res.redirect(SETTINGS_URL);
  });

  router.post('/autotask/picklists/refresh', admin, async (req, res) => {
    const settings = await getIntegrationSettings(db);
    if (!hasCredentials(settings)) {
      flash(req, {
        type: 'warning',
        text: 'Save the API username, secret and tracking identifier first; then the lists can be loaded from Autotask.',
      });
      return res.redirect(SETTINGS_URL);
    }
    try {
      const lists = await refreshPicklists(db, ctx.autotask.client(settings), actorOf(req.user!));
      const active = (l: readonly { isActive: boolean }[]) => l.filter((v) => v.isActive).length;
      flash(req, {
        type: 'success',
        text: `Loaded the lists from Autotask: ${active(lists.queueId)} queues, ${active(lists.issueType)} issue types, ${active(lists.priority)} priorities, ${active(lists.status)} statuses (active values only are offered).`,
      });
    } catch (e) {
      if (!(e instanceof UpstreamError || e instanceof RuleError)) throw e;
      flash(req, { type: 'error', text: e.message, ...(e.detail ? { detail: e.detail } : {}) });
    }
    res.redirect(SETTINGS_URL);
  });

  router.post('/autotask/test', admin, async (req, res) => {
    const settings = await getIntegrationSettings(db);
    const typed = parseOrThrow(typedCredentialsSchema, req.body ?? {});
    const values = carriesForm(req.body) ? formValuesFromBody(req.body) : formValuesOf(settings);
    const secretTyped = Boolean(typed.secret?.trim());
    let test: PageExtras['test'];
    try {
      test = await testConnection(ctx.autotask, settings, { ...typed, secret: secretTyped ? typed.secret : undefined });
    } catch (e) {
      if (!(e instanceof RuleError)) throw e;
      test = { ok: false, problem: e.message, detail: e.detail };
    }
    return renderSettings(res, { values, test, secretTyped });
  });

  router.post('/autotask/validate', admin, async (_req, res) => {
    const settings = await getIntegrationSettings(db);
    const validation = await validateConfiguration(
      { db, access: ctx.autotask, fallbackBaseUrl: ctx.config.baseUrl },
      settings,
    );
    return renderSettings(res, { validation });
  });

  router.get('/autotask/diagnostics', admin, async (req, res) => {
    const q = parseOrThrow(diagnosticsQuerySchema, req.query);
    const [settings, result] = await Promise.all([getIntegrationSettings(db), loadDiagnostics(db, q)]);
    res.render('settings/autotask-diagnostics', {
      title: 'Autotask diagnostics',
      settings,
      ...result,
      filters: { status: q.status },
      syncKindLabel,
    });
  });

  router.get('/autotask/export.md', admin, async (req, res) => {
    const settings = await getIntegrationSettings(db);
    const overview = await loadOverview(db, settings, fmt);
    const now = new Date();
    const markdown = integrationMarkdown(overview, {
      fmt,
      generatedAt: now,
      generatedBy: req.user!.email,
      timezone: ctx.config.timezone,
    });
    res
      .type('text/markdown; charset=utf-8')
      .attachment(`backupchecks-autotask-integration-${now.toISOString().slice(0, 10)}.md`)
      .send(markdown);
  });

  const renderDisconnect = async (
    res: Response,
    extras: { values?: Record<string, unknown>; errors?: Record<string, string> } = {},
  ) => {
    const [settings, preview] = await Promise.all([getIntegrationSettings(db), disconnectPreview(db)]);
    res.render('settings/autotask-disconnect', {
      title: 'Disconnect Autotask',
      settings,
      preview,
      word: DELETE_CONFIRMATION_WORD,
      values: extras.values ?? {},
      errors: extras.errors ?? {},
    });
  };

  router.get('/autotask/disconnect', admin, async (_req, res) => renderDisconnect(res));

  router.post('/autotask/disconnect', admin, async (req, res) => {
    const form = parseForm(disconnectFormSchema, req.body);
    if (!form.ok) {
      return renderDisconnect(res.status(422), {
        values: { mode: req.body?.mode, confirm: req.body?.confirm },
        errors: form.errors,
      });
    }
    const result = await disconnectAutotask(db, actorOf(req.user!), form.data);
    flash(req, {
      type: 'success',
      text:
        result.mode === 'keep'
          ? `Autotask disconnected: the integration is off and the credentials are erased. ${result.mappingsKept} company mappings and ${result.ticketLinks} ticket links are kept, read-only. Nothing was changed in Autotask.`
          : `Autotask disconnected and its data deleted: ${result.mappingsDeleted} company mappings, the picklists, the zone cache and ${result.apiCallsDeleted} API log entries were removed. The ${result.ticketLinks} ticket references of runs are kept in the audit log. Nothing was changed in Autotask.`,
    });
    res.redirect(SETTINGS_URL);
  });

  return router;
}
