import type { AutotaskClient } from '../../autotask/client.ts';
import type { Db, IntegrationSettings } from '../../db/database.ts';
import { paths } from '../../paths.ts';
import type { AutotaskAccess } from '../../services/integration/autotask-access.ts';
import { hasCredentials, integrationBlocker } from '../../services/integration/settings.ts';
import { ensureVisibility, notProvenMessage } from '../../services/integration/time-entry-visibility.ts';
import { statusLabelFrom } from '../../services/tickets/status-snapshots.ts';
import { PSA_NAMES, type PsaProfile } from '../port.ts';
import { autotaskPsaClient } from './adapter.ts';

/**
 * Autotask's settings row (IntegrationSettings) as the services see a PSA. The row and the raw
 * client stay reachable for what only Autotask has: default contacts, the hourly request budget,
 * the picklists the settings page edits.
 */
export interface AutotaskProfile extends PsaProfile {
  readonly psa: 'autotask';
  readonly row: IntegrationSettings;
  autotaskClient(): AutotaskClient;
}

export function autotaskProfile(row: IntegrationSettings, access: AutotaskAccess, db: Db): AutotaskProfile {
  // One client per profile: the zone it resolves is reused by every call of the request.
  let built: AutotaskClient | null = null;
  const autotaskClient = () => (built ??= access.client(row));
  return {
    psa: 'autotask',
    name: PSA_NAMES.autotask,
    settingsUrl: paths.settings.autotask,
    enabled: row.enabled,
    hasCredentials: hasCredentials(row),
    allowResolve: row.allowResolve,
    blocker: integrationBlocker(row),
    noteBlocker: row.noteTypeId === null ? 'No note type is set for Autotask notes.' : null,
    row,
    statusLabel: (statusId) => statusLabelFrom(row.picklists, statusId),
    autotaskClient,
    client: () => autotaskPsaClient(autotaskClient(), row),
    async ensureTimeEntryVisibility(options = {}) {
      const v = await ensureVisibility(db, row, autotaskClient, {
        ...(options.now ? { now: options.now } : {}),
        ...(options.pageTimeoutMs !== undefined ? { pageTimeoutMs: options.pageTimeoutMs } : {}),
      });
      return v.proven ? { proven: true, reason: null } : { proven: false, reason: v.reason };
    },
    notProvenMessage,
  };
}
