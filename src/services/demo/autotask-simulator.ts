import type { Simulator, SimulatorSnapshot } from '@backupchecks/autotask-simulator';
import type { AutotaskClient, PicklistValue } from '../../autotask/client.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import { toJsonColumn } from '../../db/json.ts';
import type { Logger } from '../../logger.ts';
import { switchPsaIn } from '../../psa/switch.ts';
import { audit, systemActor } from '../accounts/audit.ts';
import { getCustomerWithMapping, saveMapping } from '../mapping/map-customer.ts';
import { createAutotaskAccess } from '../integration/autotask-access.ts';
import { getIntegrationSettings, SETTINGS_ID } from '../integration/settings.ts';
import { activeValues, fetchPicklists, type CachedPicklists } from '../integration/picklists.ts';
import { encryptSecret } from '../../shared/secret-box.ts';
import { DEMO_UNMAPPED } from './catalog.ts';
import { demoMaySetUp } from './demo-rows.ts';
import { importSimulatorPackage, savedTenant, startOnPort } from './simulator-package.ts';

/**
 * The demo's Autotask (DEMO_PSA=autotask, the default): with demo data on and no
 * AUTOTASK_ZONE_LOOKUP_URL, `npm start` runs the local simulator and — on a settings row nobody has
 * set up — configures the integration against it with defaults picked from its picklists, so a new
 * user can create a ticket at once. The simulator's tenant is kept in the data folder, so demo
 * tickets survive a restart.
 *
 * With AUTOTASK_ZONE_LOOKUP_URL set there is no simulator and nothing is pre-configured. How the
 * package is loaded, and what happens when the install lacks it: ./simulator-package.ts.
 */

export const SIMULATOR_PACKAGE = '@backupchecks/autotask-simulator';

type SimulatorPackage = typeof import('@backupchecks/autotask-simulator');

/** The simulator package, or null after one warning when this install cannot load it. */
export function loadSimulatorPackage(
  logger: Logger,
  specifier: string = SIMULATOR_PACKAGE,
): Promise<SimulatorPackage | null> {
  return importSimulatorPackage<SimulatorPackage>(logger, specifier, 'Autotask');
}

export const SIMULATOR_STATE_FILE = 'autotask-simulator.json';

/** Labels of the demo tenant's values that make a sensible default configuration. */
export const DEMO_DEFAULT_LABELS = {
  queue: 'Monitoring Alerts',
  issueType: 'Backup',
  subIssueType: 'Backup failed',
  source: 'Monitoring Alert',
  priorityError: 'High',
  priorityWarning: 'Medium',
  newStatus: 'New',
} as const;

export interface DemoAutotask {
  readonly simulator: Simulator;
  readonly zoneLookupUrl: string;
  readonly controlUrl: string;
  /** Sets the integration up against the simulator unless somebody has already set it up (or disconnected it). True when it did. */
  configure(baseUrl: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface DemoAutotaskOptions {
  readonly config: Config;
  readonly db: Db;
  readonly encryptionKey: string;
  readonly logger: Logger;
}

export function demoAutotaskWanted(config: Config): boolean {
  return config.demoData && config.demoPsa === 'autotask' && !config.autotask.zoneLookupUrl;
}

const isSnapshot = (parsed: unknown): boolean => {
  const p = parsed as Partial<SimulatorSnapshot> | null;
  return p?.version === 1 && Array.isArray(p.tickets) && Array.isArray(p.companies);
};

export async function startDemoAutotask(options: DemoAutotaskOptions): Promise<DemoAutotask | null> {
  const { config, db, logger } = options;
  if (!demoAutotaskWanted(config)) return null;
  const simulatorPackage = await loadSimulatorPackage(logger);
  if (!simulatorPackage) return null;
  const { startSimulator } = simulatorPackage;

  const tenant = savedTenant<SimulatorSnapshot>(config.dataDir, SIMULATOR_STATE_FILE, isSnapshot, logger);
  const simulator = await startOnPort(
    (port) => startSimulator({ port, onChange: tenant.save }),
    config.autotask.simulatorPort,
    logger,
    'Autotask',
  );
  tenant.attach(() => simulator.state.snapshot());
  const saved = tenant.load();
  if (saved) simulator.state.restore(saved);
  else tenant.save();

  // The simulator's port may differ from the last run: a cached zone would point at the old one.
  await db.integrationSettings.updateMany({
    where: { id: SETTINGS_ID },
    data: { zoneName: null, zoneApiUrl: null, zoneWebUrl: null, zoneCheckedAt: null },
  });

  return {
    simulator,
    zoneLookupUrl: simulator.zoneLookupUrl,
    controlUrl: simulator.controlUrl,
    configure: (baseUrl) => configureDemoIntegration(options, simulator, baseUrl),
    close: () => simulator.close(),
  };
}

function byLabel(list: readonly PicklistValue[], label: string, parent?: number | null): number | null {
  const wanted = label.toLowerCase();
  const found = activeValues(list).find(
    (v) => v.label.toLowerCase() === wanted && (parent === undefined || v.parentValue === parent),
  );
  return found?.value ?? null;
}

export function demoDefaults(lists: CachedPicklists) {
  const issueTypeId = byLabel(lists.issueType, DEMO_DEFAULT_LABELS.issueType);
  return {
    queueId: byLabel(lists.queueId, DEMO_DEFAULT_LABELS.queue),
    issueTypeId,
    subIssueTypeId:
      issueTypeId === null ? null : byLabel(lists.subIssueType, DEMO_DEFAULT_LABELS.subIssueType, issueTypeId),
    sourceId: byLabel(lists.source, DEMO_DEFAULT_LABELS.source),
    priorityErrorId: byLabel(lists.priority, DEMO_DEFAULT_LABELS.priorityError),
    priorityWarningId: byLabel(lists.priority, DEMO_DEFAULT_LABELS.priorityWarning),
    newStatusId: byLabel(lists.status, DEMO_DEFAULT_LABELS.newStatus),
    noteTypeId: activeValues(lists.noteType)[0]?.value ?? null,
  };
}

async function configureDemoIntegration(
  options: DemoAutotaskOptions,
  sim: Simulator,
  baseUrl: string,
): Promise<boolean> {
  const { config, db, logger } = options;
  if (!(await demoMaySetUp(db, 'autotask'))) return false;
  const row = await getIntegrationSettings(db);

  const credentials = {
    environment: 'sandbox' as const,
    apiUsername: sim.credentials.username,
    secretEncrypted: encryptSecret(sim.credentials.secret, options.encryptionKey),
    integrationCode: sim.credentials.integrationCode,
    apiLogLevel: 'all' as const,
  };
  // The defaults come through the real client, the way an admin's "Refresh from Autotask" gets
  // them. Nothing is saved until they are in: a failure leaves the row untouched for the next start.
  const access = createAutotaskAccess({
    db,
    encryptionKey: options.encryptionKey,
    zoneLookupUrl: sim.zoneLookupUrl,
    timeoutMs: config.autotask.timeoutMs,
    threadWaitMs: config.autotask.threadWaitMs,
    logger,
  });
  const client = access.client({ ...row, ...credentials });
  const lists = await fetchPicklists(client);
  const defaults = demoDefaults(lists);
  const missing = Object.entries(defaults)
    .filter(([, v]) => v === null)
    .map(([k]) => k);
  if (missing.length > 0)
    logger.warn({ missing }, 'demo Autotask: some defaults were not found in the simulator picklists');

  await db.$transaction(async (tx) => {
    await tx.integrationSettings.update({
      where: { id: SETTINGS_ID },
      data: {
        ...credentials,
        ...defaults,
        allowResolve: true,
        baseUrl: baseUrl.replace(/\/+$/, ''),
        picklists: toJsonColumn(lists),
        picklistsLoadedAt: new Date(),
      },
    });
    await audit(tx, systemActor, {
      action: 'autotask.demo_configured',
      summary:
        'Configured the Autotask integration against the local simulator (demo): sandbox, defaults from its picklists',
      targetType: 'integration',
      targetId: 'autotask',
    });
    // Enabled the way "Use Autotask" does it: ConnectWise is switched off, its mappings kept aside.
    await switchPsaIn(tx, 'autotask', systemActor);
  });
  await mapDemoCustomers(db, client);
  return true;
}

async function mapDemoCustomers(db: Db, client: AutotaskClient): Promise<void> {
  const customers = await db.customer.findMany({ where: { mapping: null }, orderBy: { id: 'asc' } });
  for (const c of customers) {
    if (DEMO_UNMAPPED.has(c.name)) continue;
    const company = (await client.searchCompanies(c.name, { limit: 10 })).find((x) => x.name === c.name);
    if (company) await saveMapping(db, systemActor, await getCustomerWithMapping(db, c.id), company, 'demo');
  }
}
