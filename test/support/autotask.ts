import { afterAll, beforeAll } from 'vitest';
import {
  ISSUE,
  QUEUE,
  startSimulator,
  SUB_ISSUE,
  type Simulator,
  type StartSimulatorOptions,
} from '@backupchecks/autotask-simulator';
import type { Database, Prisma } from '../../src/db/database.ts';
import { SETTINGS_ID } from '../../src/services/integration/settings.ts';
import { encryptSecret } from '../../src/shared/secret-box.ts';
import { testSecrets } from './app.ts';

/**
 * Tests that reach Autotask do it over real HTTP, against the simulator on an ephemeral port.
 * `useSimulator()` starts one per test file; `configureAutotask()` saves working integration
 * settings (the simulator's demo API user, encrypted as the app would) into the test database.
 */
export function useSimulator(options: StartSimulatorOptions = {}): {
  readonly sim: Simulator;
  readonly env: Record<string, string>;
} {
  let sim: Simulator | undefined;
  beforeAll(async () => {
    sim = await startSimulator(options);
  });
  afterAll(async () => {
    await sim?.close();
  });
  return {
    get sim() {
      if (!sim) throw new Error('simulator not started yet (use it inside tests or hooks)');
      return sim;
    },
    /** Pass to buildTestApp so the app's Autotask client looks its zone up at the simulator. */
    get env() {
      return { AUTOTASK_ZONE_LOOKUP_URL: this.sim.zoneLookupUrl, AUTOTASK_TIMEOUT_MS: '2000' };
    },
  };
}

/** Picklist values of the simulator's demo tenant that make a complete, valid configuration. */
export const demoDefaults = {
  queueId: QUEUE.monitoringAlerts,
  issueTypeId: ISSUE.backup,
  subIssueTypeId: SUB_ISSUE.backupFailed,
  priorityErrorId: 1, // High
  priorityWarningId: 2, // Medium
  newStatusId: 1, // New
  noteTypeId: 1,
} as const;

export async function configureAutotask(
  database: Database,
  sim: Simulator,
  overrides: Partial<Prisma.IntegrationSettingsUncheckedCreateInput> = {},
): Promise<void> {
  const data = {
    enabled: true,
    environment: 'sandbox' as const,
    apiUsername: sim.credentials.username,
    secretEncrypted: encryptSecret(sim.credentials.secret, testSecrets.encryptionKey),
    integrationCode: sim.credentials.integrationCode,
    baseUrl: 'http://backupchecks.test',
    allowResolve: true,
    apiLogLevel: 'all' as const,
    ...demoDefaults,
    ...overrides,
  };
  await database.prisma.integrationSettings.upsert({
    where: { id: SETTINGS_ID },
    create: { id: SETTINGS_ID, ...data },
    update: data,
  });
}
