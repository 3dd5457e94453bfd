import type { ConnectWiseClient } from '../../connectwise/client.ts';
import type { ConnectWiseSettings, Db } from '../../db/database.ts';
import { paths } from '../../paths.ts';
import type { Blocker } from '../../services/integration/settings.ts';
import { PSA_NAMES, type PsaProfile } from '../port.ts';
import type { ConnectWiseAccess } from './access.ts';
import { connectWisePsaClient } from './adapter.ts';
import { readConnectWiseLists, statusLabelIn, type ConnectWiseLists } from './lists.ts';
import { CONNECTWISE_SETTINGS_ID, getConnectWiseSettings, hasConnectWiseCredentials } from './settings.ts';
import { ensureTimeEntryVisibility, notProvenMessage } from './visibility.ts';

/**
 * ConnectWise's settings row (ConnectWiseSettings, id 1) as the services see a PSA. The row, the
 * cached lists and the raw client stay reachable for what only ConnectWise has.
 */
export interface ConnectWiseProfile extends PsaProfile {
  readonly psa: 'connectwise';
  readonly row: ConnectWiseSettings;
  readonly lists: ConnectWiseLists;
  connectWiseClient(): ConnectWiseClient;
}

const settingsUrl = paths.settings.connectwise;
const fixLabel = 'ConnectWise settings';

/**
 * Why no ticket can be created, from the row alone (no ConnectWise call). Mapping-level reasons are
 * the mapping service's.
 */
export function connectWiseBlocker(row: ConnectWiseSettings): Blocker | null {
  const blocked = (message: string): Blocker => ({ message, fixUrl: settingsUrl, fixLabel });
  if (!row.enabled) return blocked('The ConnectWise integration is switched off.');
  if (!hasConnectWiseCredentials(row)) return blocked('ConnectWise API credentials are not configured.');
  if (row.boardId === null) return blocked('No service board is set for new ConnectWise tickets.');
  if (row.newStatusId === null) return blocked('No status is set for new ConnectWise tickets.');
  if (row.priorityErrorId === null || row.priorityWarningId === null) {
    return blocked('The ticket priorities for failed and warning runs are not set for ConnectWise.');
  }
  return null;
}

export function connectWiseProfile(row: ConnectWiseSettings, access: ConnectWiseAccess, db: Db): ConnectWiseProfile {
  const lists = readConnectWiseLists(row.lists);
  // One client per profile, built on first use: a profile without credentials still serves pages.
  let built: ConnectWiseClient | null = null;
  const connectWiseClient = () => (built ??= access.client(row));
  return {
    psa: 'connectwise',
    name: PSA_NAMES.connectwise,
    settingsUrl,
    enabled: row.enabled,
    hasCredentials: hasConnectWiseCredentials(row),
    allowResolve: row.allowResolve,
    blocker: connectWiseBlocker(row),
    // Notes need nothing beyond the credentials: the Internal thread is a flag, not a setting.
    noteBlocker: null,
    row,
    lists,
    statusLabel: (statusId) => statusLabelIn(lists, statusId),
    connectWiseClient,
    client: () => connectWisePsaClient(connectWiseClient(), row, { webOrigin: access.webOrigin(row) }),
    ensureTimeEntryVisibility: (options = {}) => ensureTimeEntryVisibility(db, row, connectWiseClient, options),
    notProvenMessage,
  };
}

/**
 * ConnectWise's profile as `createPsaAccess` (`src/psa/access.ts`) asks for it: with `onlyEnabled`,
 * null unless the row exists and is switched on (no row is created for that question).
 */
export function connectWiseProfiles(
  access: ConnectWiseAccess,
): (db: Db, onlyEnabled: boolean) => Promise<ConnectWiseProfile | null> {
  return async (db, onlyEnabled) => {
    const row = onlyEnabled
      ? await db.connectWiseSettings.findUnique({ where: { id: CONNECTWISE_SETTINGS_ID } })
      : await getConnectWiseSettings(db);
    if (!row || (onlyEnabled && !row.enabled)) return null;
    return connectWiseProfile(row, access, db);
  };
}
