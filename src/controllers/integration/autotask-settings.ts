import type { Request, Response } from 'express';
import { contextOf } from '../../context.ts';
import { currentUser } from '../../middleware/auth.ts';
import type { FailureView, Problem } from '../../middleware/errors.ts';
import { flash } from '../../middleware/flash.ts';
import { paths } from '../../paths.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import type { ConnectionTestResult } from '../../services/integration/connection-test.ts';
import { loadOverview } from '../../services/integration/overview.ts';
import {
  cachedPicklists,
  picklistFieldNames,
  refreshPicklists,
  selectModel,
} from '../../services/integration/picklists.ts';
import {
  formValuesFromBody,
  formValuesOf,
  saveAutotaskSettings,
  settingsFormSchema,
  type FormValues,
} from '../../services/integration/settings-form.ts';
import { SYNC_INTERVAL_CHOICES } from '../../services/integration/installation-settings.ts';
import { CLOSING_NOTE_TEXT, getIntegrationSettings, hasCredentials } from '../../services/integration/settings.ts';
import { NON_BILLABLE_WARNING, type ValidationResult } from '../../services/integration/validate-configuration.ts';
import { AppError, RuleError, UpstreamError } from '../../errors/catalogue.ts';
import type { IntegrationSettings } from '../../db/database.ts';
import { formatDateTime } from '../../shared/time.ts';
import { parseOrThrow } from '../../shared/validation.ts';
import { activePsaType } from '../../psa/switch.ts';

/** The Test connection panel: the steps, or why the test could not start. */
export type TestPanel = ConnectionTestResult | { ok: false; problem: string; detail?: string | undefined };

/** What one showing of the settings page adds to the saved state. */
export interface SettingsPageExtras {
  /** The form as the user left it; the saved values when absent. */
  readonly values?: FormValues | undefined;
  readonly errors?: Readonly<Record<string, string>>;
  /** A failure of the save that is not about one field. */
  readonly problem?: Problem | null;
  readonly test?: TestPanel | null;
  readonly validation?: ValidationResult | null;
  /** A secret was typed: the page says it was not kept (it is never echoed back). */
  readonly secretTyped?: boolean;
}

/**
 * Settings → Extensions & Integrations → Autotask: the overview, the lists from Autotask, the form,
 * and the results of Test connection and Validate configuration when those asked for the page.
 */
export async function renderSettingsPage(req: Request, res: Response, extras: SettingsPageExtras = {}): Promise<void> {
  const { database, config } = contextOf(req);
  const settings = await getIntegrationSettings(database.prisma);
  const overview = await loadOverview(database.prisma, settings, (d) => formatDateTime(d, config.timezone));
  const values = extras.values ?? formValuesOf(settings);
  const picklists = cachedPicklists(settings);
  res.render('integration/autotask-settings', {
    title: 'Autotask settings',
    settings,
    overview,
    values,
    errors: extras.errors ?? {},
    problem: extras.problem ?? null,
    selects: Object.fromEntries(picklistFieldNames.map((f) => [f, selectModel(f, picklists, values[f])])),
    picklistsLoaded: picklists !== null,
    credentialsSaved: hasCredentials(settings),
    secretSaved: settings.secretEncrypted !== null,
    secretTyped: extras.secretTyped ?? false,
    test: extras.test ?? null,
    validation: extras.validation ?? null,
    closingNote: CLOSING_NOTE_TEXT,
    nonBillableWarning: NON_BILLABLE_WARNING,
    syncChoices: SYNC_INTERVAL_CHOICES,
    // For "Use Autotask" (views/integration/connectwise/use-psa.ejs).
    activePsa: await activePsaType(database.prisma),
  });
}

export async function get(req: Request, res: Response): Promise<void> {
  await renderSettingsPage(req, res);
}

const secretTypedIn = (body: unknown): boolean => {
  const secret = (body as { secret?: unknown } | undefined)?.secret;
  return typeof secret === 'string' && secret.trim() !== '';
};

/** A save that was refused re-renders the form with the user's values; the typed secret is not echoed. */
export const showFormFailure: FailureView = (req, res, failure) =>
  renderSettingsPage(req, res, {
    values: formValuesFromBody(req.body),
    errors: failure.fieldErrors,
    problem: failure.problem,
    secretTyped: secretTypedIn(req.body),
  });

/** "Save settings"; a refused form arrives at showFormFailure through the route. */
export async function post(req: Request, res: Response): Promise<void> {
  const { database, secrets } = contextOf(req);
  const form = parseOrThrow(settingsFormSchema, req.body);
  const saved = await saveAutotaskSettings(database.prisma, secrets.encryptionKey, actorOf(currentUser(req)), form);
  flash(req, {
    type: 'success',
    text:
      saved.changed.length > 0
        ? `Autotask settings saved. Changed: ${saved.changed.join(', ')}.`
        : 'Autotask settings saved; nothing changed.',
  });
  // First credentials: fill the dropdowns at once, so the admin can choose the defaults next.
  if (hasCredentials(saved.settings) && saved.settings.picklistsLoadedAt === null) {
    await loadFirstLists(req, saved.settings);
  }
  res.redirect(paths.settings.autotask);
}

/**
 * Loads the lists after the first save of credentials. The save has succeeded whatever happens
 * here, so a refusal is not a failure of the request: it becomes a warning next to the success
 * message, and the page stays usable.
 */
async function loadFirstLists(req: Request, settings: IntegrationSettings): Promise<void> {
  const { database, autotask } = contextOf(req);
  try {
    await refreshPicklists(database.prisma, autotask.client(settings), actorOf(currentUser(req)));
    flash(req, { type: 'info', text: 'The lists were loaded from Autotask. Choose the ticket defaults below.' });
  } catch (e) {
    if (!(e instanceof UpstreamError || e instanceof RuleError)) throw e;
    flash(req, { type: 'warning', text: `${e.message} Use Test connection to find out why.`, ...detailOf(e) });
  }
}

const detailOf = (e: AppError) => (e.detail ? { detail: e.detail, source: 'Autotask' } : {});
