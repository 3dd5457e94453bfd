import { Prisma, type Db, type IntegrationSettings } from '../../db/database.ts';
import { paths } from '../../paths.ts';

/** The one settings row of the Autotask integration (id 1), created with defaults on first use. */
export const SETTINGS_ID = 1;

export async function getIntegrationSettings(db: Db): Promise<IntegrationSettings> {
  // Read on most pages and every ticket click: a plain primary-key read, not an upsert (which costs
  // a transaction of several statements). The row is created once, on first use.
  const row = await db.integrationSettings.findUnique({ where: { id: SETTINGS_ID } });
  if (row) return row;
  try {
    return await db.integrationSettings.create({ data: { id: SETTINGS_ID } });
  } catch (e) {
    // Two first uses at once: the other one created it.
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') {
      return db.integrationSettings.findUniqueOrThrow({ where: { id: SETTINGS_ID } });
    }
    throw e;
  }
}

export const CLOSING_NOTE_TEXT =
  'Ticket resolved via Backupchecks after verification that the backup issue is no longer present.';

export function hasCredentials(s: IntegrationSettings): boolean {
  return Boolean(s.apiUsername && s.secretEncrypted && s.integrationCode);
}

/** The credentials not saved yet, by the names the settings form gives them. */
export function missingCredentials(s: IntegrationSettings): string[] {
  return [
    s.apiUsername ? null : 'API username',
    s.secretEncrypted ? null : 'API secret',
    s.integrationCode ? null : 'API tracking identifier',
  ].filter((name): name is string => name !== null);
}

export type IntegrationStatus = 'active' | 'disabled' | 'misconfigured';

/** Why tickets cannot be created right now, in words for the operator, with where to fix it. */
export interface Blocker {
  readonly message: string;
  readonly fixUrl: string;
  readonly fixLabel: string;
}

const settingsUrl = paths.settings.autotask;

/**
 * Integration-level reasons that block ticket creation (mapping-level reasons are the mapping
 * service's). Only what the database knows: no Autotask call is made to decide this.
 */
export function integrationBlocker(s: IntegrationSettings): Blocker | null {
  if (!s.enabled) {
    return { message: 'The Autotask integration is switched off.', fixUrl: settingsUrl, fixLabel: 'Autotask settings' };
  }
  if (!hasCredentials(s)) {
    return {
      message: 'Autotask API credentials are not configured.',
      fixUrl: settingsUrl,
      fixLabel: 'Autotask settings',
    };
  }
  if (s.queueId === null) {
    return {
      message: 'No default ticket queue is set for Autotask.',
      fixUrl: settingsUrl,
      fixLabel: 'Autotask settings',
    };
  }
  if (s.priorityErrorId === null || s.priorityWarningId === null || s.newStatusId === null) {
    return {
      message: 'Ticket priorities or the new-ticket status are not set for Autotask.',
      fixUrl: settingsUrl,
      fixLabel: 'Autotask settings',
    };
  }
  return null;
}

export function integrationStatus(s: IntegrationSettings): IntegrationStatus {
  if (!s.enabled) return 'disabled';
  return integrationBlocker(s) ? 'misconfigured' : 'active';
}
