import { z } from 'zod';
import { TICKET_STATUS_COMPLETE } from '../../autotask/client.ts';
import type { Db, IntegrationSettings, Prisma } from '../../db/database.ts';
import { ValidationError } from '../../errors/catalogue.ts';
import { idSchemaWith } from '../../shared/ids.ts';
import { blankToUndefined, checkbox, trimmed } from '../../shared/validation.ts';
import { audit, type Actor } from '../accounts/audit.ts';
import { getIntegrationSettings, SETTINGS_ID } from './settings.ts';
import {
  cachedPicklists,
  describeValue,
  findValue,
  PICKLIST_FIELDS,
  picklistFieldNames,
  type CachedPicklists,
  type PicklistField,
} from './picklists.ts';
import { encryptSecret } from '../../shared/secret-box.ts';
import { switchPsaIn } from '../../psa/switch.ts';
import {
  baseUrlField,
  INSTALLATION_LABELS,
  installationValueText,
  syncIntervalField,
} from './installation-settings.ts';

/**
 * Saving Settings → Autotask. The API secret is write-only: a blank field keeps the stored one, a
 * typed one is encrypted (AES-256-GCM) before it reaches the database, and neither the audit trail
 * nor any page ever holds it — the audit says "secret changed", nothing more.
 */

const optionalText = (max: number, what: string) =>
  z.preprocess(
    (v) => blankToUndefined(trimmed(v)),
    z.string().max(max, `The ${what} is at most ${max} characters.`).optional(),
  );

/** A picklist value's id from a drop-down: blank for none, else held to the id rule (src/shared/ids.ts). */
const pickedId = z.preprocess(blankToUndefined, idSchemaWith('Choose a value from the list.').optional());

export const settingsFormSchema = z.object({
  enabled: z.unknown().optional().transform(checkbox),
  environment: z.enum(['sandbox', 'production'], { error: 'Choose Sandbox or Production.' }),
  apiUsername: optionalText(100, 'API username'),
  // Not trimmed: a secret is used exactly as typed. Only an all-blank field means "keep".
  secret: z
    .string()
    .max(200, 'The API secret is at most 200 characters.')
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? undefined : v)),
  integrationCode: optionalText(100, 'API tracking identifier'),
  baseUrl: baseUrlField,
  queueId: pickedId,
  issueTypeId: pickedId,
  subIssueTypeId: pickedId,
  sourceId: pickedId,
  priorityErrorId: pickedId,
  priorityWarningId: pickedId,
  newStatusId: pickedId,
  noteTypeId: pickedId,
  billingCodeId: pickedId,
  ticketCategoryId: pickedId,
  ticketTypeId: pickedId,
  allowResolve: z.unknown().optional().transform(checkbox),
  apiLogLevel: z.enum(['off', 'errors', 'all'], { error: 'Choose off, errors or all.' }),
  syncIntervalMinutes: syncIntervalField,
});

export type SettingsForm = z.infer<typeof settingsFormSchema>;

/** The form as strings, for re-rendering: from the saved row. The secret is never among them. */
export type FormValues = Record<string, string | boolean>;

export function formValuesOf(s: IntegrationSettings): FormValues {
  const id = (v: number | null) => (v === null ? '' : String(v));
  return {
    enabled: s.enabled,
    environment: s.environment,
    apiUsername: s.apiUsername ?? '',
    integrationCode: s.integrationCode ?? '',
    baseUrl: s.baseUrl ?? '',
    queueId: id(s.queueId),
    issueTypeId: id(s.issueTypeId),
    subIssueTypeId: id(s.subIssueTypeId),
    sourceId: id(s.sourceId),
    priorityErrorId: id(s.priorityErrorId),
    priorityWarningId: id(s.priorityWarningId),
    newStatusId: id(s.newStatusId),
    noteTypeId: id(s.noteTypeId),
    billingCodeId: id(s.billingCodeId),
    ticketCategoryId: id(s.ticketCategoryId),
    ticketTypeId: id(s.ticketTypeId),
    allowResolve: s.allowResolve,
    apiLogLevel: s.apiLogLevel,
    syncIntervalMinutes: id(s.syncIntervalMinutes),
  };
}

/** What the user typed, for re-rendering after an error or a test. The secret is left out on purpose. */
export function formValuesFromBody(body: unknown): FormValues {
  const b = (body ?? {}) as Record<string, unknown>;
  const text = (k: string) => (typeof b[k] === 'string' ? b[k] : '');
  const out: FormValues = { enabled: checkbox(b.enabled), allowResolve: checkbox(b.allowResolve) };
  for (const k of [
    'environment',
    'apiUsername',
    'integrationCode',
    'baseUrl',
    'apiLogLevel',
    'syncIntervalMinutes',
    ...picklistFieldNames,
  ]) {
    out[k] = text(k);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Rules across fields

/**
 * Checks that need the saved row and the cached lists: picklist values, the issue/sub-issue pair,
 * the new-ticket status and complete credentials before switching on. One message per field; the
 * first rule that fails a field wins.
 */
export function crossFieldErrors(form: SettingsForm, current: IntegrationSettings): Record<string, string> {
  const lists = cachedPicklists(current);
  const errors: Record<string, string> = lists ? picklistErrors(form, current, lists) : {};
  const sub = subIssueTypeError(form, lists);
  if (sub) errors.subIssueTypeId ??= sub;
  if (form.newStatusId === TICKET_STATUS_COMPLETE) {
    errors.newStatusId ??= 'A new ticket cannot start as Complete. Choose an open status such as New.';
  }
  if (form.enabled && !credentialsComplete(form, current)) {
    errors.enabled = 'Enter the API username, secret and API tracking identifier before switching the integration on.';
  }
  return errors;
}

/**
 * A picklist value must be active in Autotask unless it is the value already saved: then it is
 * flagged on the page, not refused, so an admin can save other changes first.
 */
function picklistErrors(
  form: SettingsForm,
  current: IntegrationSettings,
  lists: CachedPicklists,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const field of picklistFieldNames) {
    const value = form[field] ?? null;
    if (value === null || value === current[field]) continue;
    const found = findValue(lists[PICKLIST_FIELDS[field].list], value);
    if (!found)
      errors[field] = 'This value is not in the list loaded from Autotask. Refresh the lists and choose again.';
    else if (!found.isActive) errors[field] = `“${found.label}” is inactive in Autotask. Choose an active value.`;
  }
  return errors;
}

/** The sub-issue type needs an issue type, and must belong to it (when the lists say so). */
function subIssueTypeError(form: SettingsForm, lists: CachedPicklists | null): string | null {
  const issue = form.issueTypeId ?? null;
  const sub = form.subIssueTypeId ?? null;
  if (sub === null) return null;
  if (issue === null) return 'Choose the issue type this sub-issue type belongs to, or no sub-issue type.';
  if (!lists) return null;
  const subValue = findValue(lists.subIssueType, sub);
  if (!subValue || subValue.parentValue === issue) return null;
  const parent = findValue(lists.issueType, subValue.parentValue);
  const issueValue = findValue(lists.issueType, issue);
  return `“${subValue.label}” is a sub-issue type of ${parent ? `“${parent.label}”` : 'another issue type'}, not of ${
    issueValue ? `“${issueValue.label}”` : `issue type ${issue}`
  }. Choose one that belongs to the chosen issue type, or none.`;
}

function credentialsComplete(form: SettingsForm, current: IntegrationSettings): boolean {
  const hasSecret = form.secret !== undefined || current.secretEncrypted !== null;
  return Boolean(form.apiUsername && form.integrationCode && hasSecret);
}

// ---------------------------------------------------------------------------------------------
// Saving

const FIELD_LABELS: Record<string, string> = {
  enabled: 'Integration enabled',
  environment: 'Environment',
  apiUsername: 'API username',
  integrationCode: 'API tracking identifier',
  ...INSTALLATION_LABELS,
  allowResolve: 'Allow resolving tickets',
  apiLogLevel: 'API logging level',
  ...Object.fromEntries(picklistFieldNames.map((f) => [f, PICKLIST_FIELDS[f].label])),
};

type SavedFields = Omit<
  Prisma.IntegrationSettingsUncheckedUpdateInput,
  'id' | 'secretEncrypted' | 'picklists' | 'picklistsLoadedAt' | 'updatedAt'
>;

export interface SaveResult {
  readonly settings: IntegrationSettings;
  /** Labels of the fields that changed (the secret as "API secret"). */
  readonly changed: readonly string[];
}

type Changes = Record<string, { from: string; to: string } | 'changed'>;

/** Validates across fields, saves, clears the zone cache when it no longer applies, and audits. */
export async function saveAutotaskSettings(
  db: Db,
  encryptionKey: string,
  actor: Actor,
  form: SettingsForm,
): Promise<SaveResult> {
  const current = await getIntegrationSettings(db);
  const errors = crossFieldErrors(form, current);
  if (Object.keys(errors).length > 0) throw new ValidationError(errors);

  const next = savedValues(form);
  const changes = changesBetween(current, next);
  const secretChanged = form.secret !== undefined;
  const credentialsMoved =
    next.apiUsername !== current.apiUsername || next.environment !== current.environment || secretChanged;
  const data: SavedFields & { secretEncrypted?: string } = {
    ...next,
    updatedById: actor.id,
    ...(secretChanged ? { secretEncrypted: encryptSecret(form.secret!, encryptionKey) } : {}),
    // The cached zone belongs to a username in one environment; it is looked up again when either changes.
    ...(credentialsMoved ? { zoneName: null, zoneApiUrl: null, zoneWebUrl: null, zoneCheckedAt: null } : {}),
    // The proof that non-billable time entries are visible was about the previous API user (or
    // tenant): another one must prove it again before anything is resolved.
    ...(credentialsMoved || next.integrationCode !== current.integrationCode
      ? { nonBillableProvenAt: null, nonBillableCheckedAt: null, nonBillableReason: null }
      : {}),
  };

  const settings = await db.$transaction(async (tx) => {
    // One PSA at a time: switching Autotask on switches ConnectWise off and swaps the mappings.
    if (next.enabled) await switchPsaIn(tx, 'autotask', actor);
    const saved = await tx.integrationSettings.update({ where: { id: SETTINGS_ID }, data });
    await auditSave(tx, actor, { changes, secretChanged, enabledFrom: current.enabled, enabledTo: next.enabled });
    return saved;
  });
  const changed = Object.keys(changes).map((f) => FIELD_LABELS[f] ?? f);
  if (secretChanged) changed.push('API secret');
  return { settings, changed };
}

/** The row's columns from the form; blanks become null. The secret is handled apart. */
function savedValues(form: SettingsForm) {
  return {
    enabled: form.enabled,
    environment: form.environment,
    apiUsername: form.apiUsername ?? null,
    integrationCode: form.integrationCode ?? null,
    baseUrl: form.baseUrl ?? null,
    queueId: form.queueId ?? null,
    issueTypeId: form.issueTypeId ?? null,
    subIssueTypeId: form.subIssueTypeId ?? null,
    sourceId: form.sourceId ?? null,
    priorityErrorId: form.priorityErrorId ?? null,
    priorityWarningId: form.priorityWarningId ?? null,
    newStatusId: form.newStatusId ?? null,
    noteTypeId: form.noteTypeId ?? null,
    billingCodeId: form.billingCodeId ?? null,
    ticketCategoryId: form.ticketCategoryId ?? null,
    ticketTypeId: form.ticketTypeId ?? null,
    allowResolve: form.allowResolve,
    apiLogLevel: form.apiLogLevel,
    syncIntervalMinutes: form.syncIntervalMinutes ?? null,
  } satisfies Partial<IntegrationSettings>;
}
type SavedValues = ReturnType<typeof savedValues>;
type SavedValue = SavedValues[keyof SavedValues];

/** What changed, from → to in words (picklist values with their labels), for the audit trail. */
function changesBetween(current: IntegrationSettings, next: SavedValues): Changes {
  const lists = cachedPicklists(current);
  const shown = (field: string, value: SavedValue | undefined): string => {
    if (value === null || value === undefined) return 'not set';
    if (field in PICKLIST_FIELDS) return describeValue(lists, field as PicklistField, value as number);
    if (field === 'syncIntervalMinutes') return installationValueText(field, value as number);
    return String(value);
  };
  const changes: Changes = {};
  for (const [field, to] of Object.entries(next)) {
    const from = current[field as keyof SavedValues];
    if (from === to) continue;
    // The API tracking identifier is a credential too (the client scrubs it from logs): its change
    // is recorded, its value is not.
    changes[field] = field === 'integrationCode' ? 'changed' : { from: shown(field, from), to: shown(field, to) };
  }
  return changes;
}

/** One audit event per kind of change: the settings, the secret (never its value), on/off. */
async function auditSave(
  tx: Pick<Db, 'auditEvent'>,
  actor: Actor,
  saved: { changes: Changes; secretChanged: boolean; enabledFrom: boolean; enabledTo: boolean },
): Promise<void> {
  const target = { targetType: 'integration', targetId: 'autotask' } as const;
  if (Object.keys(saved.changes).length > 0) {
    await audit(tx, actor, {
      action: 'autotask.settings.updated',
      summary: `Changed Autotask settings: ${Object.keys(saved.changes)
        .map((f) => FIELD_LABELS[f] ?? f)
        .join(', ')}`,
      ...target,
      details: { changes: saved.changes },
    });
  }
  if (saved.secretChanged) {
    await audit(tx, actor, { action: 'autotask.secret.changed', summary: 'Autotask API secret changed', ...target });
  }
  if (saved.enabledFrom !== saved.enabledTo) {
    await audit(tx, actor, {
      action: saved.enabledTo ? 'autotask.enabled' : 'autotask.disabled',
      summary: saved.enabledTo
        ? 'Switched the Autotask integration on'
        : 'Switched the Autotask integration off: ticket actions are hidden and refused',
      ...target,
    });
  }
}
