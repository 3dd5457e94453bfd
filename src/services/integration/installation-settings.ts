import { z } from 'zod';
import type { Db, IntegrationSettings } from '../../db/database.ts';
import { blankToUndefined, trimmed } from '../../shared/validation.ts';
import { getIntegrationSettings, SETTINGS_ID } from './settings.ts';

/**
 * Two settings that belong to the installation, not to one PSA: the Backupchecks base URL (the
 * run link in every ticket and note) and the periodic company-name sync. They are stored once, on
 * the IntegrationSettings row every installation has, and both PSA settings pages show and save
 * that one value, so switching PSA changes neither.
 */

export interface InstallationSettings {
  readonly baseUrl: string | null;
  readonly syncIntervalMinutes: number | null;
}

export const SYNC_INTERVAL_CHOICES = [15, 30, 60, 120, 240, 720, 1440] as const;

export const INSTALLATION_LABELS: Readonly<Record<keyof InstallationSettings, string>> = {
  baseUrl: 'Backupchecks base URL',
  syncIntervalMinutes: 'Periodic company-name sync',
};

export const baseUrlField = z.preprocess(
  (v) => blankToUndefined(trimmed(v)),
  z
    .url({
      protocol: /^https?$/,
      hostname: z.regexes.hostname,
      error: 'Enter an absolute http(s) address such as https://backupchecks.example.com.',
    })
    .max(500, 'The base URL is at most 500 characters.')
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
);

// Digits only, like ids: `z.coerce.number()` would also read `1e3` as 1000 and `0x10` as 16.
export const syncIntervalField = z.preprocess(
  blankToUndefined,
  z
    .string({ error: 'Choose how often to sync, or Off.' })
    .regex(/^[0-9]{1,6}$/, 'Choose how often to sync, or Off.')
    .transform(Number)
    .pipe(z.number().min(5, 'Sync at most every 5 minutes.').max(10_080, 'Sync at least once a week, or choose Off.'))
    .optional(),
);

/** The two values, from an IntegrationSettings row the caller has already read. */
export function installationOf(row: IntegrationSettings): InstallationSettings {
  return { baseUrl: row.baseUrl, syncIntervalMinutes: row.syncIntervalMinutes };
}

export async function readInstallationSettings(db: Db): Promise<InstallationSettings> {
  return installationOf(await getIntegrationSettings(db));
}

/** The form's text for each field: '' when not set. */
export function installationFormValues(s: InstallationSettings): Record<keyof InstallationSettings, string> {
  return {
    baseUrl: s.baseUrl ?? '',
    syncIntervalMinutes: s.syncIntervalMinutes === null ? '' : String(s.syncIntervalMinutes),
  };
}

/** "every 30 minutes", "not set": how the audit trail shows a value. */
export function installationValueText(field: keyof InstallationSettings, value: string | number | null): string {
  if (value === null) return 'not set';
  return field === 'syncIntervalMinutes' ? `every ${String(value)} minutes` : String(value);
}

/** The periodic sync in the Rule-10 overview and export, e.g. "Every 2 hours; also on demand, …". */
export function periodicSyncText(minutes: number | null): string {
  const also = 'on demand, and when the Customers page is opened (at most hourly)';
  if (!minutes) return `Periodic sync off; refreshed ${also}.`;
  const every = minutes % 60 === 0 ? `${minutes / 60} hour${minutes === 60 ? '' : 's'}` : `${minutes} minutes`;
  return `Every ${every}; also ${also}.`;
}

/** What changed between two versions, labelled as the pages label the fields. */
export function installationChanges(
  current: InstallationSettings,
  next: InstallationSettings,
): Record<string, { label: string; from: string; to: string }> {
  const changes: Record<string, { label: string; from: string; to: string }> = {};
  for (const field of Object.keys(INSTALLATION_LABELS) as (keyof InstallationSettings)[]) {
    if (current[field] === next[field]) continue;
    changes[field] = {
      label: INSTALLATION_LABELS[field],
      from: installationValueText(field, current[field]),
      to: installationValueText(field, next[field]),
    };
  }
  return changes;
}

/** Saves both values inside the caller's transaction (the row exists: it was read before). */
export async function saveInstallationSettings(
  tx: Pick<Db, 'integrationSettings'>,
  next: InstallationSettings,
): Promise<void> {
  await tx.integrationSettings.update({ where: { id: SETTINGS_ID }, data: { ...next } });
}
