import type { ConnectWiseSettings, Db, IntegrationSettings } from '../../db/database.ts';
import { activePsaType, switchPsaIn } from '../../psa/switch.ts';
import type { PsaType } from '../../psa/port.ts';
import { getConnectWiseSettings } from '../../psa/connectwise/settings.ts';
import { systemActor } from '../accounts/audit.ts';
import { getIntegrationSettings } from '../integration/settings.ts';

/**
 * When the demo may touch the PSA settings rows (Autotask's IntegrationSettings, ConnectWise's
 * ConnectWiseSettings): a row is the demo's to set up while nobody has set it up, and the active
 * PSA is the demo's to choose while no person has saved either row. An admin's settings always win.
 */

/** Never set up: no credentials, and no person has saved the row (a disconnect counts as saved). */
export function autotaskUntouched(row: IntegrationSettings): boolean {
  return !row.apiUsername && !row.secretEncrypted && !row.integrationCode && row.updatedById === null;
}

export function connectWiseUntouched(row: ConnectWiseSettings): boolean {
  return (
    !row.siteHost &&
    !row.companyId &&
    !row.publicKey &&
    !row.privateKeyEncrypted &&
    !row.clientId &&
    row.updatedById === null
  );
}

async function bothRows(db: Db): Promise<{ autotask: IntegrationSettings; connectwise: ConnectWiseSettings }> {
  const [autotask, connectwise] = await Promise.all([getIntegrationSettings(db), getConnectWiseSettings(db)]);
  return { autotask, connectwise };
}

/**
 * The demo sets `psa` up: its row was never set up, and no person has saved the other PSA's row
 * (switching to the demo PSA would switch an admin's PSA off).
 */
export async function demoMaySetUp(db: Db, psa: PsaType): Promise<boolean> {
  const rows = await bothRows(db);
  return psa === 'autotask'
    ? autotaskUntouched(rows.autotask) && rows.connectwise.updatedById === null
    : connectWiseUntouched(rows.connectwise) && rows.autotask.updatedById === null;
}

/**
 * Started with another DEMO_PSA than last time, the demo switches to the simulator that runs, but
 * only while no person has saved either PSA's settings and the demo PSA's row has credentials (set
 * up by an earlier start). True when it switched.
 */
export async function activateDemoPsa(db: Db, psa: PsaType): Promise<boolean> {
  if ((await activePsaType(db)) === psa) return false;
  const { autotask, connectwise } = await bothRows(db);
  if (autotask.updatedById !== null || connectwise.updatedById !== null) return false;
  const credentials =
    psa === 'autotask'
      ? Boolean(autotask.apiUsername && autotask.secretEncrypted && autotask.integrationCode)
      : Boolean(connectwise.siteHost && connectwise.publicKey && connectwise.privateKeyEncrypted);
  if (!credentials) return false;
  await db.$transaction((tx) => switchPsaIn(tx, psa, systemActor));
  return true;
}
