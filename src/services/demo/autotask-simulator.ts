import fs from 'node:fs';
import path from 'node:path';
import type { Simulator, SimulatorSnapshot } from '@backupchecks/autotask-simulator';
import type { AutotaskClient, PicklistValue } from '../../autotask/client.ts';
import type { Config } from '../../config.ts';
import type { Db, IntegrationSettings } from '../../db/database.ts';
import { toJsonColumn } from '../../db/json.ts';
import type { Logger } from '../../logger.ts';
import { audit, systemActor } from '../accounts/audit.ts';
import { getCustomerWithMapping, saveMapping } from '../mapping/map-customer.ts';
import { createAutotaskAccess } from '../integration/autotask-access.ts';
import { getIntegrationSettings, SETTINGS_ID } from '../integration/settings.ts';
import { activeValues, fetchPicklists, type CachedPicklists } from '../integration/picklists.ts';
import { encryptSecret } from '../../shared/secret-box.ts';

/**
 * The demo's Autotask: with demo data on and no AUTOTASK_ZONE_LOOKUP_URL, `npm start` runs the
 * local simulator and — on a settings row nobody has set up — configures the integration against it
 * with defaults picked from its picklists, so a new user can create a ticket at once. The
 * simulator's tenant is kept in the data folder, so demo tickets survive a restart.
 *
 * With AUTOTASK_ZONE_LOOKUP_URL set there is no simulator and nothing is pre-configured.
 *
 * The simulator is a development dependency (packages/autotask-simulator), loaded with `import()`
 * only here, so the production build neither contains nor imports it. A production install
 * (`npm ci --omit=dev`, as in the image) does not have it: demo mode then says so in one log line and
 * the app runs without a demo Autotask.
 */

export const SIMULATOR_PACKAGE = '@backupchecks/autotask-simulator';

type SimulatorPackage = typeof import('@backupchecks/autotask-simulator');

const TYPESCRIPT_ONLY = 'is TypeScript source that runs under `npm start` only, not the compiled build';

/** Error codes of an install that cannot load the package, each with the reason an admin reads. */
const UNAVAILABLE: Record<string, string> = {
  ERR_MODULE_NOT_FOUND: 'is not installed (production installs leave it out)',
  ERR_UNKNOWN_FILE_EXTENSION: TYPESCRIPT_ONLY,
  ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING: TYPESCRIPT_ONLY,
};

/**
 * The simulator package, or null after one warning when this install cannot load it. Any other
 * failure (a bug inside the package, a missing dependency of it) is thrown as it is.
 */
export async function loadSimulatorPackage(
  logger: Logger,
  specifier: string = SIMULATOR_PACKAGE,
): Promise<SimulatorPackage | null> {
  try {
    return (await import(specifier)) as SimulatorPackage;
  } catch (err) {
    const { code, message } = err as { code?: unknown; message?: unknown };
    const reason = typeof code === 'string' ? UNAVAILABLE[code] : undefined;
    // "Cannot find package 'x'" names the package that is missing: only our own counts here.
    const ours = code !== 'ERR_MODULE_NOT_FOUND' || String(message).includes(`'${specifier}'`);
    if (!reason || !ours) throw err;
    logger.warn(
      `demo Autotask: the simulator package ${specifier} ${reason}, so the demo runs without an Autotask; set one up under Settings`,
    );
    return null;
  }
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
  return config.demoData && !config.autotask.zoneLookupUrl;
}

function loadSnapshot(file: string, logger: Logger): SimulatorSnapshot | null {
  if (!fs.existsSync(file)) return null;
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<SimulatorSnapshot>;
    if (parsed.version !== 1 || !Array.isArray(parsed.tickets) || !Array.isArray(parsed.companies)) {
      throw new Error('unknown format');
    }
    return parsed as SimulatorSnapshot;
  } catch (err) {
    logger.warn({ err, file }, 'the saved Autotask simulator state is unreadable; starting from the demo tenant');
    return null;
  }
}

/** Written to a temporary file first: a crash mid-write must not leave half a tenant behind. */
function saveSnapshot(file: string, snapshot: SimulatorSnapshot): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(snapshot));
  fs.renameSync(tmp, file);
}

export async function startDemoAutotask(options: DemoAutotaskOptions): Promise<DemoAutotask | null> {
  const { config, db, logger } = options;
  if (!demoAutotaskWanted(config)) return null;
  const simulatorPackage = await loadSimulatorPackage(logger);
  if (!simulatorPackage) return null;
  const { startSimulator } = simulatorPackage;

  fs.mkdirSync(config.dataDir, { recursive: true });
  const file = path.join(config.dataDir, SIMULATOR_STATE_FILE);
  let sim: Simulator | null = null;
  const save = () => {
    if (!sim) return;
    try {
      saveSnapshot(file, sim.state.snapshot());
    } catch (err) {
      logger.warn({ err, file }, 'saving the Autotask simulator state failed');
    }
  };
  // A fixed port keeps the ticket links stored on runs working across restarts; when it is taken
  // (a second checkout, a test run) any free port still gives a working demo.
  sim = await startSimulator({ port: config.autotask.simulatorPort, onChange: save }).catch((err: unknown) => {
    if ((err as { code?: string }).code !== 'EADDRINUSE') throw err;
    logger.warn({ port: config.autotask.simulatorPort }, 'demo Autotask: port in use, using a free one instead');
    return startSimulator({ port: 0, onChange: save });
  });
  const snapshot = loadSnapshot(file, logger);
  if (snapshot) sim.state.restore(snapshot);
  else save();
  const simulator = sim;

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

/** Never set up: no credentials, and no person has saved the row (a disconnect counts as saved). */
export function untouched(row: IntegrationSettings): boolean {
  return !row.apiUsername && !row.secretEncrypted && !row.integrationCode && row.updatedById === null;
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
  const row = await getIntegrationSettings(db);
  if (!untouched(row)) return false;

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
        enabled: true,
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
  });
  await mapDemoCustomers(db, client);
  return true;
}

/**
 * Demo customers left unmapped, so Suggest mappings and the blocked "Create ticket" have
 * something to show; the others are mapped the way an admin would have, so a new user can
 * create a ticket at once.
 */
const DEMO_UNMAPPED = new Set(['Greenfield Schools', 'Tailspin Toys']);

async function mapDemoCustomers(db: Db, client: AutotaskClient): Promise<void> {
  const customers = await db.customer.findMany({ where: { mapping: null }, orderBy: { id: 'asc' } });
  for (const c of customers) {
    if (DEMO_UNMAPPED.has(c.name)) continue;
    const company = (await client.searchCompanies(c.name, { limit: 10 })).find((x) => x.name === c.name);
    if (company) await saveMapping(db, systemActor, await getCustomerWithMapping(db, c.id), company, 'demo');
  }
}
