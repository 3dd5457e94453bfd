import type { ConnectWiseSimulator, ConnectWiseSnapshot } from '@backupchecks/connectwise-simulator';
import type { ConnectWiseClient } from '../../connectwise/client.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { toJsonColumn } from '../../db/json.ts';
import type { Logger } from '../../logger.ts';
import { createConnectWiseAccess } from '../../psa/connectwise/access.ts';
import type { ConnectWiseLists } from '../../psa/connectwise/lists.ts';
import { CONNECTWISE_SETTINGS_ID, getConnectWiseSettings } from '../../psa/connectwise/settings.ts';
import { switchPsaIn } from '../../psa/switch.ts';
import { encryptSecret } from '../../shared/secret-box.ts';
import { audit, systemActor } from '../accounts/audit.ts';
import { findIn, type ListField } from '../integration/connectwise/fields.ts';
import { fetchConnectWiseLists } from '../integration/connectwise/lists.ts';
import { DEMO_UNMAPPED } from './catalog.ts';
import { demoMaySetUp } from './demo-rows.ts';
import { importSimulatorPackage, savedTenant, startOnPort } from './simulator-package.ts';

/**
 * The demo's ConnectWise (DEMO_PSA=connectwise): with demo data on, `npm start` runs the local
 * ConnectWise simulator (packages/connectwise-simulator) and — on a settings row nobody has set up —
 * configures the integration against it with the board, statuses, type and priorities of its seed,
 * and makes ConnectWise the active PSA (Autotask stays switched off). The simulator's tenant is kept
 * in the data folder, so demo tickets survive a restart and their ids are not handed out twice.
 *
 * The app reaches the simulator over http on this machine: the settings row holds the simulator's
 * `127.0.0.1:PORT` as its site, and the app's ConnectWise access is told the simulator's origin
 * (AppDeps.connectwiseSiteOrigin, src/context.ts). How the package is loaded, and what happens when
 * the install lacks it: ./simulator-package.ts.
 */

export const CONNECTWISE_SIMULATOR_PACKAGE = '@backupchecks/connectwise-simulator';

type SimulatorPackage = typeof import('@backupchecks/connectwise-simulator');

/** The seed's constants this module picks the defaults from. */
type Seed = Pick<SimulatorPackage, 'BOARD' | 'STATUS' | 'PRIORITY' | 'TYPE' | 'SUBTYPE' | 'ITEM'>;

export function loadConnectWiseSimulatorPackage(
  logger: Logger,
  specifier: string = CONNECTWISE_SIMULATOR_PACKAGE,
): Promise<SimulatorPackage | null> {
  return importSimulatorPackage<SimulatorPackage>(logger, specifier, 'ConnectWise');
}

export const CONNECTWISE_STATE_FILE = 'connectwise-simulator.json';

export interface DemoConnectWise {
  readonly simulator: ConnectWiseSimulator;
  /** `http://127.0.0.1:PORT`: what the app's ConnectWise access calls instead of `https://<siteHost>`. */
  readonly siteOrigin: string;
  readonly controlUrl: string;
  /**
   * Sets the integration up against the simulator unless somebody has already set it up. True when
   * it did. (The address of Backupchecks in tickets is not a ConnectWise setting.)
   */
  configure(): Promise<boolean>;
  close(): Promise<void>;
}

export interface DemoConnectWiseOptions {
  readonly config: Config;
  readonly db: Db;
  readonly encryptionKey: string;
  readonly logger: Logger;
}

export function demoConnectWiseWanted(config: Config): boolean {
  return config.demoData && config.demoPsa === 'connectwise';
}

/**
 * The ticket defaults, from the simulator's seed: the Monitoring board (its New status for new
 * tickets, Resolved to close them), the backup alert type, and Quick / Normal response priorities
 * for failed runs and warnings.
 */
export function demoDefaults(seed: Seed): Record<ListField, number> {
  return {
    boardId: seed.BOARD.monitoring,
    newStatusId: seed.STATUS.monitoringNew,
    closedStatusId: seed.STATUS.resolved,
    typeId: seed.TYPE.alert,
    subTypeId: seed.SUBTYPE.backupAlert,
    itemId: seed.ITEM.appliance,
    priorityErrorId: seed.PRIORITY.quick,
    priorityWarningId: seed.PRIORITY.normal,
  };
}

const isSnapshot = (parsed: unknown): boolean => {
  const p = parsed as Partial<ConnectWiseSnapshot> | null;
  return p?.version === 1 && Array.isArray(p.tickets) && Array.isArray(p.companies) && Array.isArray(p.notes);
};

/** `127.0.0.1:PORT`: the site a settings row names the simulator by. */
const siteHostOf = (sim: ConnectWiseSimulator) => new URL(sim.siteUrl).host;

export async function startDemoConnectWise(options: DemoConnectWiseOptions): Promise<DemoConnectWise | null> {
  const { config, db, logger } = options;
  if (!demoConnectWiseWanted(config)) return null;
  const simulatorPackage = await loadConnectWiseSimulatorPackage(logger);
  if (!simulatorPackage) return null;
  const { startConnectWiseSimulator } = simulatorPackage;

  const tenant = savedTenant<ConnectWiseSnapshot>(config.dataDir, CONNECTWISE_STATE_FILE, isSnapshot, logger);
  const simulator = await startOnPort(
    (port) => startConnectWiseSimulator({ port, onChange: tenant.save }),
    config.connectwise.simulatorPort,
    logger,
    'ConnectWise',
  );
  tenant.attach(() => simulator.state.snapshot());
  const saved = tenant.load();
  if (saved) simulator.state.restore(saved);
  else tenant.save();

  await followPort(db, simulator);
  return {
    simulator,
    siteOrigin: simulator.siteUrl,
    controlUrl: simulator.controlUrl,
    configure: () => configureDemoConnectWise(options, simulator, simulatorPackage),
    close: () => simulator.close(),
  };
}

/**
 * The simulator's port may differ from the last run (its own was taken): a row the demo set up
 * names the simulator's site again, so the settings page shows where calls go.
 */
async function followPort(db: Db, sim: ConnectWiseSimulator): Promise<void> {
  await db.connectWiseSettings.updateMany({
    where: {
      id: CONNECTWISE_SETTINGS_ID,
      companyId: sim.credentials.companyId,
      publicKey: sim.credentials.publicKey,
      siteHost: { startsWith: '127.0.0.1:', not: siteHostOf(sim) },
    },
    data: { siteHost: siteHostOf(sim) },
  });
}

/** The chosen defaults that the loaded lists have, active; the others are left unset (and logged). */
function usableDefaults(wanted: Record<ListField, number>, lists: ConnectWiseLists, logger: Logger) {
  const missing: ListField[] = [];
  const entries = Object.entries(wanted).map(([field, id]) => {
    const found = findIn(lists, field as ListField, id);
    if (!found || found.inactive) missing.push(field as ListField);
    return [field, found && !found.inactive ? id : null] as const;
  });
  if (missing.length > 0) logger.warn({ missing }, 'demo ConnectWise: some defaults were not found in the simulator');
  return Object.fromEntries(entries) as Record<ListField, number | null>;
}

async function configureDemoConnectWise(
  options: DemoConnectWiseOptions,
  sim: ConnectWiseSimulator,
  seed: Seed,
): Promise<boolean> {
  const { config, db, logger } = options;
  if (!(await demoMaySetUp(db, 'connectwise'))) return false;
  const row = await getConnectWiseSettings(db);

  const { companyId, publicKey, privateKey, clientId } = sim.credentials;
  const site = {
    siteHost: siteHostOf(sim),
    codebase: sim.state.settings.codebase,
    companyId,
    publicKey,
    privateKeyEncrypted: encryptSecret(privateKey, options.encryptionKey),
    clientId,
    apiLogLevel: 'all' as const,
  };
  // The lists come through the real client, the way an admin's "Refresh lists" gets them. Nothing
  // is saved until they are in: a failure leaves the row untouched for the next start.
  const access = createConnectWiseAccess({
    db,
    encryptionKey: options.encryptionKey,
    timeoutMs: config.autotask.timeoutMs,
    logger,
    siteOrigin: sim.siteUrl,
  });
  const client = access.client({ ...row, ...site });
  const wanted = demoDefaults(seed);
  const lists = await fetchConnectWiseLists(client, wanted.boardId);
  const defaults = usableDefaults(wanted, lists, logger);

  await db.$transaction(async (tx) => {
    await tx.connectWiseSettings.update({
      where: { id: CONNECTWISE_SETTINGS_ID },
      data: { ...site, ...defaults, allowResolve: true, lists: toJsonColumn(lists), listsLoadedAt: new Date() },
    });
    await audit(tx, systemActor, {
      action: 'connectwise.demo_configured',
      summary: `Configured the ConnectWise integration against the local simulator (demo): site ${site.siteHost}, defaults from its seed`,
      targetType: 'integration',
      targetId: 'connectwise',
    });
    // Enabled the way "Use ConnectWise" does it: Autotask is switched off, its mappings kept aside.
    await switchPsaIn(tx, 'connectwise', systemActor);
  });
  await mapDemoCustomers(db, client);
  return true;
}

/** As the Autotask demo maps them: by exact name, to a company that is not deleted. */
async function mapDemoCustomers(db: Db, client: ConnectWiseClient): Promise<void> {
  const customers = await db.customer.findMany({ where: { mapping: null }, orderBy: { id: 'asc' } });
  for (const c of customers) {
    if (DEMO_UNMAPPED.has(c.name)) continue;
    const company = (await client.searchCompanies(c.name, { limit: 10 })).find((x) => x.name === c.name && !x.deleted);
    if (company) await saveDemoMapping(db, c, company);
  }
}

async function saveDemoMapping(
  db: Db,
  customer: { id: number; name: string },
  company: { id: number; name: string },
): Promise<void> {
  const now = new Date();
  await db.$transaction(async (tx) => {
    await tx.companyMapping.create({
      data: {
        customerId: customer.id,
        psaType: 'connectwise',
        companyId: company.id,
        companyName: company.name,
        status: 'ok',
        lastSyncAt: now,
        mappedAt: now,
        mappedById: null,
      },
    });
    await audit(tx, systemActor, {
      action: 'mapping.mapped',
      summary: `Mapped customer ${customer.name} to ConnectWise company ${company.name} (ID ${company.id})`,
      targetType: 'customer',
      targetId: customer.id,
      details: { psa: 'connectwise', companyId: company.id, companyName: company.name, source: 'demo' },
    });
  });
}
