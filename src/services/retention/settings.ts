import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { audit, type Actor } from '../accounts/audit.ts';

/**
 * Settings → Data retention: how many days each kind of record is kept before the scheduled
 * pruning (prune.ts) removes it. One row (RetentionSettings, id 1); an installation that never
 * saved it has the defaults of the schema. docs/operations.md describes what is kept.
 */

/** The one row of RetentionSettings (prisma/schema.prisma). */
const SETTINGS_ID = 1;

export interface RetentionSettings {
  readonly apiCallLogDays: number;
  readonly syncLogDays: number;
  /** Runs and their objects; a run whose ticket is still open is kept whatever its age. */
  readonly runDays: number;
  /** Null: audit events are kept for ever. */
  readonly auditEventDays: number | null;
}

export type RetentionField = keyof RetentionSettings;

/** The column defaults of prisma/schema.prisma, for an installation that never saved the settings. */
export const RETENTION_DEFAULTS: RetentionSettings = {
  apiCallLogDays: 30,
  syncLogDays: 90,
  runDays: 400,
  auditEventDays: null,
};

/** The labels of the form, also used in the audit trail and in what pruning reports. */
export const RETENTION_LABELS: Record<RetentionField, string> = {
  apiCallLogDays: 'API call log',
  syncLogDays: 'Sync log',
  runDays: 'Runs and their objects',
  auditEventDays: 'Audit events',
};

/**
 * The days each setting accepts. Runs are kept at least 30 days: missed-run detection looks back
 * 14 days after an outage (CATCH_UP_DAYS, src/services/schedules/detection.ts) and a schedule is
 * suggested from the last 14 days of runs (SUGGESTION_DAYS, src/services/schedules/suggestion.ts),
 * so a pruned run there would be reported missed or missed by the suggestion. Audit events too: a
 * typo must not wipe the audit trail. At most ten years.
 */
export const RETENTION_LIMITS: Record<RetentionField, { readonly min: number; readonly max: number }> = {
  apiCallLogDays: { min: 1, max: 3650 },
  syncLogDays: { min: 1, max: 3650 },
  runDays: { min: 30, max: 3650 },
  auditEventDays: { min: 30, max: 3650 },
};

export async function getRetentionSettings(db: Pick<Db, 'retentionSettings'>): Promise<RetentionSettings> {
  const row = await db.retentionSettings.findUnique({ where: { id: SETTINGS_ID } });
  if (!row) return RETENTION_DEFAULTS;
  return {
    apiCallLogDays: row.apiCallLogDays,
    syncLogDays: row.syncLogDays,
    runDays: row.runDays,
    auditEventDays: row.auditEventDays,
  };
}

// ---------------------------------------------------------------------------------------------
// The form

const days = (field: RetentionField) => {
  const { min, max } = RETENTION_LIMITS[field];
  const label = RETENTION_LABELS[field];
  const whole = `${label}: enter a whole number of days, such as ${RETENTION_DEFAULTS[field] ?? 365}.`;
  const range = `${label}: enter between ${min} and ${max} days.`;
  // Digits only: `z.coerce.number()` would also read `1e3` as 1000 and `0x10` as 16.
  return z
    .string({ error: whole })
    .trim()
    .regex(/^[0-9]{1,6}$/, whole)
    .transform(Number)
    .pipe(z.number().min(min, range).max(max, range));
};

export const retentionFormSchema = z.object({
  apiCallLogDays: days('apiCallLogDays'),
  syncLogDays: days('syncLogDays'),
  runDays: days('runDays'),
  // Empty (or absent): kept for ever.
  auditEventDays: z.preprocess(
    (v) => (v === undefined || (typeof v === 'string' && v.trim() === '') ? null : v),
    days('auditEventDays').nullable(),
  ),
}) satisfies z.ZodType<RetentionSettings>;

/** The form as strings, as shown: from the saved settings, or as typed after a refusal. */
export type RetentionFormValues = Record<RetentionField, string>;

export function formValuesOf(s: RetentionSettings): RetentionFormValues {
  return {
    apiCallLogDays: String(s.apiCallLogDays),
    syncLogDays: String(s.syncLogDays),
    runDays: String(s.runDays),
    auditEventDays: s.auditEventDays === null ? '' : String(s.auditEventDays),
  };
}

export function formValuesFromBody(body: unknown): RetentionFormValues {
  const b = (body ?? {}) as Record<string, unknown>;
  const text = (k: RetentionField) => (typeof b[k] === 'string' ? b[k] : '');
  return {
    apiCallLogDays: text('apiCallLogDays'),
    syncLogDays: text('syncLogDays'),
    runDays: text('runDays'),
    auditEventDays: text('auditEventDays'),
  };
}

// ---------------------------------------------------------------------------------------------
// Saving

type Changes = Partial<Record<RetentionField, { from: number | null; to: number | null }>>;

const inWords = (v: number | null) => (v === null ? 'for ever' : `${v} days`);

/**
 * Saves the settings and records an audit event with what changed, in one transaction. Returns the
 * labels of the fields that changed; nothing is written when none did.
 */
export async function saveRetentionSettings(db: Db, input: RetentionSettings, actor: Actor): Promise<string[]> {
  const current = await getRetentionSettings(db);
  const changes: Changes = {};
  for (const field of Object.keys(RETENTION_LABELS) as RetentionField[]) {
    if (current[field] !== input[field]) changes[field] = { from: current[field], to: input[field] };
  }
  const changed = Object.keys(changes) as RetentionField[];
  if (changed.length === 0) return [];
  const data = { ...valuesOf(input), updatedById: actor.id };
  await db.$transaction(async (tx) => {
    await tx.retentionSettings.upsert({
      where: { id: SETTINGS_ID },
      create: { id: SETTINGS_ID, ...data },
      update: data,
    });
    await audit(tx, actor, {
      action: 'retention.settings_changed',
      summary: `Changed data retention: ${changed
        .map((f) => `${RETENTION_LABELS[f]} ${inWords(changes[f]!.from)} → ${inWords(changes[f]!.to)}`)
        .join(', ')}`,
      targetType: 'settings',
      targetId: 'retention',
      details: { changes },
    });
  });
  return changed.map((f) => RETENTION_LABELS[f]);
}

/** Only the four values, whatever else the caller's object holds. */
const valuesOf = (s: RetentionSettings): RetentionSettings => ({
  apiCallLogDays: s.apiCallLogDays,
  syncLogDays: s.syncLogDays,
  runDays: s.runDays,
  auditEventDays: s.auditEventDays,
});
