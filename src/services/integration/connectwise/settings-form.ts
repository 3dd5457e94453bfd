import { DEFAULT_CODEBASE } from '../../../connectwise/client.ts';
import { Prisma, type ConnectWiseSettings, type Db } from '../../../db/database.ts';
import { ValidationError } from '../../../errors/catalogue.ts';
import { CONNECTWISE_SETTINGS_ID, getConnectWiseSettings } from '../../../psa/connectwise/access.ts';
import { readConnectWiseLists, type ConnectWiseLists } from '../../../psa/connectwise/lists.ts';
import { encryptSecret } from '../../../shared/secret-box.ts';
import { checkbox } from '../../../shared/validation.ts';
import type { Actor } from '../../accounts/audit.ts';
import {
  installationChanges,
  installationFormValues,
  readInstallationSettings,
  saveInstallationSettings,
  type InstallationSettings,
} from '../installation-settings.ts';
import { auditSave, changesBetween, type SavedValues } from './settings-audit.ts';
import { defaultsErrors } from './settings-rules.ts';
import type { ConnectWiseForm } from './form-schema.ts';
import { listFieldNames, listsFitBoard, perBoardFields, type ListField } from './fields.ts';

/**
 * Saving Settings → ConnectWise. The private key is write-only: a blank field keeps the stored one,
 * a typed one is encrypted (src/shared/secret-box.ts) before it reaches the database, and no page
 * or audit event ever holds it. Switching ConnectWise on is not part of this form: "Use
 * ConnectWise" does that (src/psa/switch.ts).
 */

/** The form as strings, for re-rendering. The private key is never among them. */
export type FormValues = Record<string, string | boolean>;

const TEXT_FIELDS = ['siteHost', 'codebase', 'companyId', 'publicKey', 'clientId', 'apiLogLevel'] as const;
const INSTALLATION_FIELDS = ['baseUrl', 'syncIntervalMinutes'] as const;

/** The saved form: ConnectWise's row, and the installation's base URL and sync interval. */
export function formValuesOf(s: ConnectWiseSettings, installation: InstallationSettings): FormValues {
  const values: FormValues = { allowResolve: s.allowResolve, apiLogLevel: s.apiLogLevel };
  for (const k of TEXT_FIELDS) if (k !== 'apiLogLevel') values[k] = s[k] ?? '';
  values.codebase = s.codebase ?? DEFAULT_CODEBASE;
  for (const f of listFieldNames) values[f] = s[f] === null ? '' : String(s[f]);
  return { ...values, ...installationFormValues(installation) };
}

/** What the user typed, for re-rendering after an error or a test. The private key is left out on purpose. */
export function formValuesFromBody(body: unknown): FormValues {
  const b = (body ?? {}) as Record<string, unknown>;
  const text = (k: string) => (typeof b[k] === 'string' ? b[k] : '');
  const out: FormValues = { allowResolve: checkbox(b.allowResolve) };
  for (const k of [...TEXT_FIELDS, ...INSTALLATION_FIELDS, ...listFieldNames]) out[k] = text(k);
  return out;
}

export interface SaveResult {
  readonly settings: ConnectWiseSettings;
  /** Labels of the fields that changed (the private key as "Private key"). */
  readonly changed: readonly string[];
  /**
   * The board changed: its statuses, types, subtypes and items were cleared, to be chosen again
   * from the new board's lists.
   */
  readonly boardChanged: boolean;
}

/** Validates against the cached lists, saves, and audits. */
export async function saveConnectWiseSettings(
  db: Db,
  encryptionKey: string,
  actor: Actor,
  form: ConnectWiseForm,
): Promise<SaveResult> {
  const [current, installation] = await Promise.all([getConnectWiseSettings(db), readInstallationSettings(db)]);
  const lists = readConnectWiseLists(current.lists);
  const errors = defaultsErrors(form, current, lists);
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);

  const next = savedValues(form, current, lists);
  const nextInstallation = { baseUrl: form.baseUrl ?? null, syncIntervalMinutes: form.syncIntervalMinutes ?? null };
  const changes = { ...changesBetween(current, next, lists), ...installationChanges(installation, nextInstallation) };
  const keyChanged = form.privateKey !== undefined;
  const siteMoved = next.siteHost !== current.siteHost || next.companyId !== current.companyId;
  const credentialsMoved =
    siteMoved ||
    keyChanged ||
    next.codebase !== current.codebase ||
    next.publicKey !== current.publicKey ||
    next.clientId !== current.clientId;
  const data = {
    ...next,
    updatedById: actor.id,
    ...(keyChanged ? { privateKeyEncrypted: encryptSecret(form.privateKey!, encryptionKey) } : {}),
    // Another tenant's lists name other boards and statuses: they are loaded again.
    ...(siteMoved ? { lists: Prisma.DbNull, listsLoadedAt: null } : {}),
    // The proof that every time entry is visible was about the previous API member: another one
    // must prove it again before anything is resolved.
    ...(credentialsMoved ? { timeEntriesProvenAt: null, timeEntriesCheckedAt: null, timeEntriesReason: null } : {}),
  };
  const settings = await db.$transaction(async (tx) => {
    const saved = await tx.connectWiseSettings.update({ where: { id: CONNECTWISE_SETTINGS_ID }, data });
    await saveInstallationSettings(tx, nextInstallation);
    await auditSave(tx, actor, { changes, keyChanged });
    return saved;
  });
  const changed = Object.keys(changes).map((f) => changes[f]!.label);
  if (keyChanged) changed.push('Private key');
  return { settings, changed, boardChanged: next.boardId !== current.boardId };
}

/**
 * The row's columns from the form; blanks become null. Board-bound values are kept only when they
 * could have been chosen: from lists of the form's board, or unchanged with an unchanged board.
 */
function savedValues(form: ConnectWiseForm, current: ConnectWiseSettings, lists: ConnectWiseLists): SavedValues {
  const boardId = form.boardId ?? null;
  const keepBoardValues = listsFitBoard(lists, boardId) || boardId === current.boardId;
  const picked = (f: ListField): number | null => {
    const value = form[f] ?? null;
    if (!perBoardFields.includes(f) || keepBoardValues) return value;
    return null;
  };
  return {
    siteHost: form.siteHost ?? null,
    codebase: form.codebase,
    companyId: form.companyId ?? null,
    publicKey: form.publicKey ?? null,
    clientId: form.clientId ?? null,
    boardId,
    newStatusId: picked('newStatusId'),
    closedStatusId: picked('closedStatusId'),
    priorityErrorId: picked('priorityErrorId'),
    priorityWarningId: picked('priorityWarningId'),
    typeId: picked('typeId'),
    subTypeId: picked('subTypeId'),
    itemId: picked('itemId'),
    allowResolve: form.allowResolve,
    apiLogLevel: form.apiLogLevel,
  };
}
