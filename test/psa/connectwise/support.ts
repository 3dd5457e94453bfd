import { BOARD, PRIORITY, STATUS, type ConnectWiseSimulator } from '@backupchecks/connectwise-simulator';
import type { ApiCallRecorder } from '../../../src/connectwise/client.ts';
import type { ConnectWiseSettings, Db, Prisma } from '../../../src/db/database.ts';
import { createLogger } from '../../../src/logger.ts';
import {
  createConnectWiseAccess,
  getConnectWiseSettings,
  type ConnectWiseAccess,
} from '../../../src/psa/connectwise/access.ts';
import { encryptSecret } from '../../../src/shared/secret-box.ts';
import { testSecrets } from '../../support/app.ts';

/** The ConnectWise row as an admin saves it for the simulator: credentials, board, statuses, priorities. */
export async function configureConnectWise(
  db: Db,
  sim: ConnectWiseSimulator,
  extra: Prisma.ConnectWiseSettingsUpdateInput = {},
): Promise<ConnectWiseSettings> {
  await getConnectWiseSettings(db);
  return db.connectWiseSettings.update({
    where: { id: 1 },
    data: {
      enabled: true,
      siteHost: 'api-eu.myconnectwise.net',
      codebase: 'v4_6_release',
      companyId: sim.credentials.companyId,
      publicKey: sim.credentials.publicKey,
      privateKeyEncrypted: encryptSecret(sim.credentials.privateKey, testSecrets.encryptionKey),
      clientId: sim.credentials.clientId,
      boardId: BOARD.serviceDesk,
      newStatusId: STATUS.new,
      closedStatusId: STATUS.closed,
      priorityErrorId: PRIORITY.emergency,
      priorityWarningId: PRIORITY.normal,
      ...extra,
    },
  });
}

/** The app's access, pointed at the simulator; reads are retried without waiting. */
export function accessFor(
  db: Db,
  sim: ConnectWiseSimulator,
  options: { observer?: ApiCallRecorder } = {},
): ConnectWiseAccess {
  return createConnectWiseAccess({
    db,
    encryptionKey: testSecrets.encryptionKey,
    timeoutMs: 5_000,
    logger: createLogger('silent'),
    siteOrigin: sim.siteUrl,
    retry: { sleep: () => Promise.resolve(), random: () => 0.5 },
    ...options,
  });
}
