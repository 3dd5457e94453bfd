import { afterAll, beforeAll } from 'vitest';
import { startConnectWiseSimulator, type ConnectWiseSimulator } from '@backupchecks/connectwise-simulator';
import type { Prisma } from '../../src/db/database.ts';
import { createLogger } from '../../src/logger.ts';
import { createConnectWiseAccess } from '../../src/psa/connectwise/access.ts';
import type { ConnectWiseLists } from '../../src/psa/connectwise/lists.ts';
import { PSA_TYPES, type PsaType } from '../../src/psa/port.ts';
import { fetchConnectWiseLists } from '../../src/services/integration/connectwise/lists.ts';
import { cachePicklists } from '../tickets/helpers.ts';
import { configureConnectWise } from '../psa/connectwise/support.ts';
import { buildTestApp, testSecrets } from './app.ts';
import { useAppWithSimulator, type AppWithSimulator, type AppWithSimulatorOptions } from './app-with-simulator.ts';
import { makeCustomerWithRun, type CustomerWithRunOptions } from './fixtures.ts';
import { driverFor, type CompanyRef, type PsaDriver } from './psa-drivers.ts';

export type { CompanyRef, DriverCall, DriverNote, DriverTicket, PsaDriver } from './psa-drivers.ts';

/** Both PSAs, for `describe.each(PSAS)`. */
export const PSAS: readonly PsaType[] = PSA_TYPES;

export interface AppWithPsaOptions extends Omit<AppWithSimulatorOptions, 'autotask' | 'prepare' | 'build'> {
  /** Overrides of Autotask's settings row (IntegrationSettings), whichever PSA is active. */
  readonly autotask?: Partial<Prisma.IntegrationSettingsUncheckedCreateInput>;
  /** Overrides of ConnectWise's settings row (ConnectWiseSettings), whichever PSA is active. */
  readonly connectwise?: Prisma.ConnectWiseSettingsUpdateInput;
  /** More set-up after both PSAs are configured and before the roles sign in. */
  readonly prepare?: (suite: AppWithPsa) => Promise<void>;
}

export interface AppWithPsa extends AppWithSimulator {
  /** The PSA the suite made active. */
  readonly psa: PsaType;
  /** The active PSA's simulator, in the product's terms. */
  readonly driver: PsaDriver;
  /** Either PSA's driver (both simulators run, so a test may switch). */
  drivers(psa: PsaType): PsaDriver;
  readonly cwSim: ConnectWiseSimulator;
  /**
   * A customer with one job and one run, mapped to `company` of `psa` (default: the suite's PSA)
   * unless company is null.
   */
  customerWithRun(
    company: CompanyRef | null,
    options?: Omit<CustomerWithRunOptions, 'companyId'> & { readonly psa?: PsaType },
  ): ReturnType<typeof makeCustomerWithRun>;
}

/**
 * The set-up of a test file that drives the app against either PSA: `useAppWithSimulator` (one
 * database, the app, the Autotask simulator, sessions per role; see its options for what happens
 * per test or per file) plus the ConnectWise simulator, with both PSAs' settings saved complete and
 * `psa` the active one (the other's row saved but switched off, so a test can switch):
 *  - Autotask: as `configureAutotask` saves it, with its ticket statuses cached;
 *  - ConnectWise: the simulator's credentials (private key encrypted with the test app's key), the
 *    Service Desk board, New / Closed, priorities, resolving allowed, and the lists loaded through
 *    the settings page's own loader. The app calls the simulator's origin instead of the saved cloud host.
 * Call it at the top level of the file: `const suite = useAppWithPsa('connectwise', { … })`.
 */
export function useAppWithPsa(psa: PsaType, options: AppWithPsaOptions = {}): AppWithPsa {
  let cwSim: ConnectWiseSimulator | undefined;
  // The seed's lists do not change: loaded from the simulator once per file.
  let lists: ConnectWiseLists | null = null;
  const cw = (): ConnectWiseSimulator => {
    if (!cwSim) throw new Error('useAppWithPsa(): the ConnectWise simulator runs only inside hooks and tests');
    return cwSim;
  };
  // Registered before the app's hooks: started before the app is built, closed after it.
  beforeAll(async () => {
    cwSim = await startConnectWiseSimulator();
  });
  afterAll(async () => {
    await cwSim?.close();
  });

  const { autotask, connectwise, prepare, ...rest } = options;
  const inner = useAppWithSimulator({
    ...rest,
    autotask: { ...(psa === 'autotask' ? {} : { enabled: false }), ...autotask },
    build: (db, env) => buildTestApp(db, env, { connectwiseSiteOrigin: cw().siteUrl }),
    prepare: async (s) => {
      await cachePicklists(s.db, s.sim);
      cw().reset();
      await configureConnectWise(s.db.prisma, cw(), {
        apiLogLevel: 'all',
        allowResolve: true,
        ...connectwise,
        enabled: false,
      });
      lists ??= await loadLists(s);
      await s.db.prisma.connectWiseSettings.update({
        where: { id: 1 },
        data: { lists, listsLoadedAt: new Date(), enabled: psa === 'connectwise' },
      });
      cw().state.clearRequestLog();
      await prepare?.(suite);
    },
  });

  /** Through a client of its own: the first requests of a file may take longer than the app's timeout. */
  async function loadLists(s: AppWithSimulator): Promise<ConnectWiseLists> {
    const row = await s.db.prisma.connectWiseSettings.findUniqueOrThrow({ where: { id: 1 } });
    const access = createConnectWiseAccess({
      db: s.db.prisma,
      encryptionKey: testSecrets.encryptionKey,
      timeoutMs: 30_000,
      logger: createLogger('silent'),
      siteOrigin: cw().siteUrl,
    });
    return fetchConnectWiseLists(access.client(row), row.boardId);
  }

  const drivers = (which: PsaType) => driverFor(which, { autotask: inner.sim, connectwise: cw() });
  const suite: AppWithPsa = Object.create(inner, {
    psa: { value: psa },
    driver: { get: () => drivers(psa) },
    drivers: { value: drivers },
    cwSim: { get: cw },
    customerWithRun: {
      value: async (
        company: CompanyRef | null,
        more: Omit<CustomerWithRunOptions, 'companyId'> & { readonly psa?: PsaType } = {},
      ) => {
        const made = await makeCustomerWithRun(inner.db, { ...more, companyId: company?.id ?? null });
        if (!company) return made;
        const mapping = await inner.db.prisma.companyMapping.update({
          where: { customerId: made.customer.id },
          data: { psaType: more.psa ?? psa, companyName: company.name },
        });
        return { ...made, customer: { ...made.customer, mapping } };
      },
    },
  }) as AppWithPsa;
  return suite;
}
