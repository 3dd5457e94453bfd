import { afterAll, beforeAll, beforeEach } from 'vitest';
import {
  BOARD,
  PRIORITY,
  STATUS,
  startConnectWiseSimulator,
  type ConnectWiseSimulator,
} from '@backupchecks/connectwise-simulator';
import { createApp, type BuiltApp } from '../../../src/app.ts';
import type { Prisma, Role } from '../../../src/db/database.ts';
import { createLogger } from '../../../src/logger.ts';
import { encryptSecret } from '../../../src/shared/secret-box.ts';
import { settleDeferredWork } from '../../../src/shared/deferred-work.ts';
import { cachingViews, signInAs, testConfig, testSecrets, type Agent } from '../../support/app.ts';
import { resetData, useTestDatabase, type TestDatabase } from '../../support/db.ts';

/**
 * The app against the ConnectWise simulator over HTTP: one database and one simulator for the file;
 * before every test the database is emptied, the simulator reset, ConnectWise's credentials saved
 * (unless `configure` is false) and the roles signed in afresh. The settings name a cloud host; the
 * app's ConnectWise access sends every call to the simulator's origin instead.
 */

export const SITE_HOST = 'api-eu.myconnectwise.net';

/** ConnectWise in use with every default a new ticket needs (the simulator's board and lists). */
export const TICKET_DEFAULTS = {
  enabled: true,
  boardId: BOARD.serviceDesk,
  newStatusId: STATUS.new,
  closedStatusId: STATUS.closed,
  priorityErrorId: PRIORITY.emergency,
  priorityWarningId: PRIORITY.normal,
} as const;

export type SignedIn = Awaited<ReturnType<typeof signInAs>>;

export interface ConnectWiseAppOptions {
  readonly signIn?: readonly Role[];
  /** Settings row overrides on top of the simulator's credentials; false: no row saved. */
  readonly configure?: Partial<Prisma.ConnectWiseSettingsUncheckedCreateInput> | false;
}

export interface ConnectWiseApp {
  readonly db: TestDatabase;
  readonly sim: ConnectWiseSimulator;
  readonly app: BuiltApp['app'];
  readonly built: BuiltApp;
  readonly as: Readonly<Record<Role, SignedIn>>;
}

export function useConnectWiseApp(options: ConnectWiseAppOptions = {}): ConnectWiseApp {
  const ctx = useTestDatabase();
  let sim: ConnectWiseSimulator | undefined;
  let built: BuiltApp | undefined;
  const sessions: Partial<Record<Role, SignedIn>> = {};
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useConnectWiseApp(): no ${what} outside hooks and tests`);
    return value;
  };

  beforeAll(async () => {
    sim = await startConnectWiseSimulator();
    const config = testConfig();
    built = cachingViews(
      createApp({
        config,
        database: ctx.db,
        logger: createLogger(config.logLevel),
        secrets: testSecrets,
        connectwiseSiteOrigin: sim.siteUrl,
      }),
    );
  });
  afterAll(async () => {
    await built?.close();
    await sim?.close();
  });
  beforeEach(async () => {
    await settleDeferredWork();
    await resetData(ctx.db);
    need(sim, 'simulator').reset();
    if (options.configure !== false) await configureConnectWise(ctx.db, need(sim, 'simulator'), options.configure);
    for (const role of options.signIn ?? []) sessions[role] = await signInAs(need(built, 'app').app, ctx.db, role);
  });

  const session = (role: Role): SignedIn => need(sessions[role], `${role} session`);
  const signedIn = (role: Role): SignedIn => ({
    get agent() {
      return session(role).agent;
    },
    get csrf() {
      return session(role).csrf;
    },
    get user() {
      return session(role).user;
    },
  });
  return {
    get db() {
      return ctx.db;
    },
    get sim() {
      return need(sim, 'simulator');
    },
    get app() {
      return need(built, 'app').app;
    },
    get built() {
      return need(built, 'app');
    },
    as: { admin: signedIn('admin'), operator: signedIn('operator'), reporter: signedIn('reporter') },
  };
}

/** The simulator's credentials saved as the settings page saves them (the private key encrypted). */
export async function configureConnectWise(
  db: TestDatabase,
  sim: ConnectWiseSimulator,
  overrides: Partial<Prisma.ConnectWiseSettingsUncheckedCreateInput> = {},
): Promise<void> {
  await db.prisma.connectWiseSettings.create({
    data: {
      id: 1,
      siteHost: SITE_HOST,
      codebase: 'v4_6_release',
      companyId: sim.credentials.companyId,
      publicKey: sim.credentials.publicKey,
      privateKeyEncrypted: encryptSecret(sim.credentials.privateKey, testSecrets.encryptionKey),
      clientId: sim.credentials.clientId,
      apiLogLevel: 'all',
      ...overrides,
    },
  });
}

export const settingsRow = (db: TestDatabase) => db.prisma.connectWiseSettings.findUniqueOrThrow({ where: { id: 1 } });

/** The settings form as the page posts it, with the simulator's credentials (private key blank: keep). */
export function connectWiseForm(
  sim: ConnectWiseSimulator,
  csrf: string,
  overrides: Record<string, string | undefined> = {},
): Record<string, string> {
  const form: Record<string, string> = {
    _csrf: csrf,
    siteHost: SITE_HOST,
    codebase: 'v4_6_release',
    companyId: sim.credentials.companyId,
    publicKey: sim.credentials.publicKey,
    privateKey: '',
    clientId: sim.credentials.clientId,
    boardId: '',
    newStatusId: '',
    closedStatusId: '',
    priorityErrorId: '',
    priorityWarningId: '',
    typeId: '',
    subTypeId: '',
    itemId: '',
    apiLogLevel: 'all',
  };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete form[k];
    else form[k] = v;
  }
  return form;
}

export const post = (agent: Agent, path: string, form: Record<string, string>) =>
  agent.post(path).type('form').send(form);

/** Follows a redirect only after the whole answer arrived (the flash is saved by then). */
export async function afterRedirect(
  agent: Agent,
  request: PromiseLike<{ status: number; headers: Record<string, string> }>,
) {
  const res = await request;
  if (res.status !== 302 && res.status !== 303) throw new Error(`expected a redirect, got ${res.status}`);
  return agent.get(res.headers.location!);
}

export const decode = (html: string): string =>
  html
    .replaceAll('&amp;', '&')
    .replaceAll('&#34;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>');
