import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Simulator, StartSimulatorOptions } from '@backupchecks/autotask-simulator';
import type { BuiltApp } from '../../src/app.ts';
import type { Prisma, Role } from '../../src/db/database.ts';
import { getIntegrationSettings } from '../../src/services/integration/settings.ts';
import { settleDeferredWork } from '../../src/shared/deferred-work.ts';
import { buildTestApp, signInAs } from './app.ts';
import { configureAutotask, useSimulator } from './autotask.ts';
import { resetData, useTestDatabase, type TestDatabase } from './db.ts';

export type SignedIn = Awaited<ReturnType<typeof signInAs>>;

export interface AppWithSimulatorOptions {
  /** More environment for the app, on top of the simulator's (AUTOTASK_TIMEOUT_MS, APP_TIMEZONE, …). */
  readonly env?: Record<string, string>;
  /**
   * 'test' (default): before every test the database is emptied, the simulator reset, Autotask
   * configured and the roles signed in afresh. 'file': all of that once, before the first test;
   * the tests then share the data, the simulator's tenant and the sessions.
   */
  readonly per?: 'test' | 'file';
  /** Integration settings as configureAutotask saves them, with these overrides; false: none saved. */
  readonly autotask?: Partial<Prisma.IntegrationSettingsUncheckedCreateInput> | false;
  /** Looks the Autotask zone up once (then clears the request log), so a test's request counts are its own. */
  readonly warmZone?: boolean;
  /** More set-up after Autotask is configured and before the roles sign in (e.g. cached picklists). */
  readonly prepare?: (suite: AppWithSimulator) => Promise<void>;
  /** Roles signed in through the login form; their sessions are `suite.as.<role>`. */
  readonly signIn?: readonly Role[];
  /** Builds the app (default: buildTestApp), e.g. with a logger that keeps every line. */
  readonly build?: (db: TestDatabase, env: Record<string, string>) => BuiltApp;
  /** For the simulator (e.g. an API user with a secret of the test's own). */
  readonly simulator?: StartSimulatorOptions;
}

export interface AppWithSimulator {
  readonly db: TestDatabase;
  readonly sim: Simulator;
  /** The app of the running file (its `app` and `context` are read when used, so it may be destructured). */
  readonly built: BuiltApp;
  readonly app: BuiltApp['app'];
  /** The app's environment: the simulator's zone lookup and timeout, plus `options.env`. */
  readonly env: Record<string, string>;
  /** Sessions of the roles in `options.signIn`; each reads the current one when used. */
  readonly as: Readonly<Record<Role, SignedIn>>;
  /** `ctx.db` and `simCtx.sim`, as useTestDatabase() and useSimulator() name them. */
  readonly ctx: { readonly db: TestDatabase };
  readonly simCtx: { readonly sim: Simulator; readonly env: Record<string, string> };
}

/**
 * The set-up of a test file that drives the app against the Autotask simulator: one database and
 * one simulator for the file, the app built on them, Autotask configured, and signed-in sessions
 * per role (see the options for what happens once and what before every test). Deferred work a
 * test's page views started after their responses is finished before the next test sets up and
 * before the app closes. Call it at the top level of the file: `const suite = useAppWithSimulator()`.
 */
export function useAppWithSimulator(options: AppWithSimulatorOptions = {}): AppWithSimulator {
  const ctx = useTestDatabase();
  const simCtx = useSimulator(options.simulator);
  const env = () => ({ ...simCtx.env, ...options.env });
  let built: BuiltApp | undefined;
  const sessions: Partial<Record<Role, SignedIn>> = {};

  const suite: AppWithSimulator = {
    ctx,
    simCtx,
    get db() {
      return ctx.db;
    },
    get sim() {
      return simCtx.sim;
    },
    built: {
      get app() {
        return current().app;
      },
      get context() {
        return current().context;
      },
      close: () => current().close(),
    },
    get app() {
      return current().app;
    },
    get env() {
      return env();
    },
    as: { admin: signedIn('admin'), operator: signedIn('operator'), reporter: signedIn('reporter') },
  };

  function current(): BuiltApp {
    if (!built) throw new Error('useAppWithSimulator(): the app exists only inside hooks and tests');
    return built;
  }

  /** The role's current session, read when used (so `const { operator } = suite.as` works at the top). */
  function signedIn(role: Role): SignedIn {
    const session = () => {
      const current = sessions[role];
      if (!current) throw new Error(`useAppWithSimulator(): no ${role} signed in (options.signIn), or not yet`);
      return current;
    };
    return {
      get agent() {
        return session().agent;
      },
      get csrf() {
        return session().csrf;
      },
      get user() {
        return session().user;
      },
    };
  }

  async function setUp(): Promise<void> {
    // Work the previous test's page views started after their responses (status refreshes, …).
    await settleDeferredWork();
    await resetData(ctx.db);
    simCtx.sim.reset();
    if (options.autotask !== false) await configureAutotask(ctx.db, simCtx.sim, options.autotask ?? {});
    if (options.warmZone) {
      await suite.built.context.autotask.client(await getIntegrationSettings(ctx.db.prisma)).getZone();
      simCtx.sim.state.clearRequestLog();
    }
    await options.prepare?.(suite);
    for (const role of options.signIn ?? []) sessions[role] = await signInAs(suite.app, ctx.db, role);
    // Signing in lands on Run Checks, which may start work of its own.
    await settleDeferredWork();
  }

  beforeAll(async () => {
    built = (options.build ?? buildTestApp)(ctx.db, env());
    if (options.per === 'file') await setUp();
  });
  if (options.per !== 'file') beforeEach(setUp);
  afterAll(async () => {
    // close() waits for deferred work first.
    await built?.close();
    built = undefined;
  });

  return suite;
}
