import type { Request, Response } from 'express';
import { ConnectWiseError } from '../../../connectwise/client.ts';
import { contextOf } from '../../../context.ts';
import type { ConnectWiseSettings } from '../../../db/database.ts';
import { RuleError } from '../../../errors/catalogue.ts';
import { currentUser } from '../../../middleware/auth.ts';
import type { FailureView, Problem } from '../../../middleware/errors.ts';
import { flash } from '../../../middleware/flash.ts';
import { paths } from '../../../paths.ts';
import { getConnectWiseSettings, hasConnectWiseCredentials } from '../../../psa/connectwise/access.ts';
import { readConnectWiseLists } from '../../../psa/connectwise/lists.ts';
import { storedProof } from '../../../psa/connectwise/visibility.ts';
import { activePsaType } from '../../../psa/switch.ts';
import { actorOf } from '../../../services/accounts/audit.ts';
import type { ConnectWiseTestResult } from '../../../services/integration/connectwise/connection-test.ts';
import {
  listFieldNames,
  listsFitBoard,
  selectFor,
  staleDefaults,
} from '../../../services/integration/connectwise/fields.ts';
import { refreshConnectWiseLists } from '../../../services/integration/connectwise/lists.ts';
import { explainConnectWiseFailure } from '../../../services/integration/connectwise/messages.ts';
import { connectWiseFormSchema } from '../../../services/integration/connectwise/form-schema.ts';
import {
  formValuesFromBody,
  formValuesOf,
  saveConnectWiseSettings,
  type FormValues,
} from '../../../services/integration/connectwise/settings-form.ts';
import type { ValidationResult } from '../../../services/integration/connectwise/validate.ts';
import {
  readInstallationSettings,
  SYNC_INTERVAL_CHOICES,
} from '../../../services/integration/installation-settings.ts';
import { parseOrThrow } from '../../../shared/validation.ts';

/** The Test connection panel: the steps, or why the test could not start. */
export type TestPanel = ConnectWiseTestResult | { ok: false; problem: string; detail?: string | undefined };

/** What one showing of the page adds to the saved state. */
export interface PageExtras {
  /** The form as the user left it; the saved values when absent. */
  readonly values?: FormValues | undefined;
  readonly errors?: Readonly<Record<string, string>>;
  /** A failure that is not about one field, with ConnectWise's own words as `detail`. */
  readonly problem?: Problem | null;
  readonly test?: TestPanel | null;
  readonly validation?: ValidationResult | null;
  /** A private key was typed: the page says it was not kept (it is never echoed back). */
  readonly keyTyped?: boolean;
}

/**
 * Settings → Extensions & Integrations → ConnectWise: which PSA is active, the lists from
 * ConnectWise, the form, and the results of Test connection and Validate configuration when those
 * asked for the page.
 */
export async function renderConnectWisePage(req: Request, res: Response, extras: PageExtras = {}): Promise<void> {
  const db = contextOf(req).database.prisma;
  const [settings, activePsa, installation] = await Promise.all([
    getConnectWiseSettings(db),
    activePsaType(db),
    readInstallationSettings(db),
  ]);
  const lists = readConnectWiseLists(settings.lists);
  const values = extras.values ?? formValuesOf(settings, installation);
  const boardId = typeof values.boardId === 'string' && /^\d+$/.test(values.boardId) ? Number(values.boardId) : null;
  res.render('integration/connectwise/settings', {
    title: 'ConnectWise settings',
    settings,
    activePsa,
    values,
    errors: extras.errors ?? {},
    problem: extras.problem ?? null,
    selects: Object.fromEntries(listFieldNames.map((f) => [f, selectFor(lists, f, values[f], boardId)])),
    listsLoaded: settings.listsLoadedAt !== null,
    boardListsLoaded: listsFitBoard(lists, boardId),
    boardName: lists.boards.find((b) => b.id === lists.boardId)?.name ?? null,
    stale: staleDefaults(settings, lists),
    syncChoices: SYNC_INTERVAL_CHOICES,
    credentialsSaved: hasConnectWiseCredentials(settings),
    keySaved: settings.privateKeyEncrypted !== null,
    keyTyped: extras.keyTyped ?? false,
    proof: storedProof(settings, new Date()),
    test: extras.test ?? null,
    validation: extras.validation ?? null,
  });
}

export async function get(req: Request, res: Response): Promise<void> {
  await renderConnectWisePage(req, res);
}

export const keyTypedIn = (body: unknown): boolean => {
  const key = (body as { privateKey?: unknown } | undefined)?.privateKey;
  return typeof key === 'string' && key.trim() !== '';
};

/** A refused save shows the form again with what was typed; the typed private key is not echoed. */
export const showFormFailure: FailureView = (req, res, failure) =>
  renderConnectWisePage(req, res, {
    values: formValuesFromBody(req.body),
    errors: failure.fieldErrors,
    problem: failure.problem,
    keyTyped: keyTypedIn(req.body),
  });

/** "Save settings"; a refused form arrives at showFormFailure through the route. */
export async function post(req: Request, res: Response): Promise<void> {
  const { database, secrets } = contextOf(req);
  const form = parseOrThrow(connectWiseFormSchema, req.body);
  const saved = await saveConnectWiseSettings(database.prisma, secrets.encryptionKey, actorOf(currentUser(req)), form);
  flash(req, {
    type: 'success',
    text:
      saved.changed.length > 0
        ? `ConnectWise settings saved. Changed: ${saved.changed.join(', ')}.`
        : 'ConnectWise settings saved; nothing changed.',
  });
  // First credentials, or another board: fill the dropdowns at once, so the defaults can be chosen next.
  if (hasConnectWiseCredentials(saved.settings) && (saved.settings.listsLoadedAt === null || saved.boardChanged)) {
    await loadListsAfterSave(req, saved.settings, saved.boardChanged);
  }
  res.redirect(paths.settings.connectwise);
}

/**
 * The save has succeeded whatever happens here, so a refusal is not a failure of the request: it
 * becomes a warning next to the success message, with ConnectWise's words marked as theirs.
 */
async function loadListsAfterSave(req: Request, settings: ConnectWiseSettings, boardChanged: boolean): Promise<void> {
  const { database, connectwise } = contextOf(req);
  try {
    const lists = await refreshConnectWiseLists(
      database.prisma,
      connectwise.client(settings),
      settings.boardId,
      actorOf(currentUser(req)),
    );
    const board = lists.boards.find((b) => b.id === lists.boardId);
    flash(req, {
      type: 'info',
      text:
        boardChanged && board
          ? `The board is now “${board.name}”: its statuses, types, subtypes and items were loaded from ConnectWise. Choose the new-ticket status and the closing status below.`
          : 'The lists were loaded from ConnectWise. Choose the ticket defaults below.',
    });
  } catch (e) {
    if (e instanceof ConnectWiseError) {
      const said = e.detail ? ` ConnectWise said: “${e.detail}”` : '';
      flash(req, {
        type: 'warning',
        text: `The lists were not loaded. ${explainConnectWiseFailure(e)} Use Test connection to find out more.${said}`,
      });
      return;
    }
    if (!(e instanceof RuleError)) throw e;
    flash(req, { type: 'warning', text: `The lists were not loaded. ${e.message}` });
  }
}
