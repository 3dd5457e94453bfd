import { Prisma, type ConnectWiseSettings, type Db } from '../../db/database.ts';

/** The one settings row of the ConnectWise integration (id 1), created with defaults on first use. */
export const CONNECTWISE_SETTINGS_ID = 1;

export async function getConnectWiseSettings(db: Db): Promise<ConnectWiseSettings> {
  // Read on most pages and every ticket click: a plain primary-key read, not an upsert (which costs
  // a transaction of several statements). The row is created once, on first use.
  const row = await db.connectWiseSettings.findUnique({ where: { id: CONNECTWISE_SETTINGS_ID } });
  if (row) return row;
  try {
    return await db.connectWiseSettings.create({ data: { id: CONNECTWISE_SETTINGS_ID } });
  } catch (e) {
    // Two first uses at once: the other one created it.
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') {
      return db.connectWiseSettings.findUniqueOrThrow({ where: { id: CONNECTWISE_SETTINGS_ID } });
    }
    throw e;
  }
}

export type ConnectWiseCredentialColumns = Pick<
  ConnectWiseSettings,
  'siteHost' | 'companyId' | 'publicKey' | 'privateKeyEncrypted' | 'clientId'
>;

/** The site and every credential a call needs are saved (the codebase has a default). */
export function hasConnectWiseCredentials(row: ConnectWiseCredentialColumns): boolean {
  return missingConnectWiseCredentials(row).length === 0;
}

/** The settings a call needs that are not saved yet, by the names the settings form gives them. */
export function missingConnectWiseCredentials(row: ConnectWiseCredentialColumns): string[] {
  return [
    row.siteHost ? null : 'site',
    row.companyId ? null : 'company ID',
    row.publicKey ? null : 'public key',
    row.privateKeyEncrypted ? null : 'private key',
    row.clientId ? null : 'client ID',
  ].filter((name): name is string => name !== null);
}
