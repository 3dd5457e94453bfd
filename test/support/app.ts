import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createApp, type BuiltApp } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import type { AppDeps } from '../../src/context.ts';
import type { Database, Role } from '../../src/db/database.ts';
import { createLogger } from '../../src/logger.ts';
import { hashPassword } from '../../src/services/accounts/passwords.ts';

export const testSecrets = {
  sessionSecret: 'test-session-secret-that-is-long-enough-0123456789',
  encryptionKey: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
};

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    BCRYPT_COST: '4',
    DATA_DIR: path.join(os.tmpdir(), `bc-test-${process.pid}`),
    SESSION_SECRET: testSecrets.sessionSecret,
    APP_ENCRYPTION_KEY: testSecrets.encryptionKey,
    DEMO_DATA: 'false',
    ...env,
  });
}

/**
 * `deps`: what a test replaces, e.g. `autotaskWriteRetry` with a sleep that records its waits, or
 * `autotaskDeadline` with deadlines the test ends itself (test/support/autotask-deadlines.ts), or
 * `connectwiseSiteOrigin` with a ConnectWise simulator's origin (test/support/psa-harness.ts).
 */
export function buildTestApp(
  database: Database,
  env: Record<string, string> = {},
  deps: Pick<AppDeps, 'autotaskWriteRetry' | 'autotaskDeadline' | 'queueSource' | 'connectwiseSiteOrigin'> = {},
): BuiltApp {
  const config = testConfig(env);
  return cachingViews(
    createApp({ config, database, logger: createLogger(config.logLevel), secrets: testSecrets, ...deps }),
  );
}

/**
 * Templates compiled once per app, as in production (Express caches views only when NODE_ENV is
 * production): recompiling every page's templates on each request was a good part of the suite's time.
 */
export function cachingViews(built: BuiltApp): BuiltApp {
  built.app.enable('view cache');
  return built;
}

export const testPassword = 'correct horse battery staple';

export async function addUser(
  database: Database,
  role: Role,
  options: { email?: string; active?: boolean } = {},
): Promise<{ id: number; email: string; password: string }> {
  const email = options.email ?? `${role}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const user = await database.prisma.user.create({
    data: {
      email,
      name: `${role[0]!.toUpperCase()}${role.slice(1)} User`,
      role,
      active: options.active ?? true,
      passwordHash: await hashPassword(testPassword, 4),
    },
  });
  return { id: user.id, email, password: testPassword };
}

/** The CSRF token rendered into a page's forms. */
export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token on the page');
  return match[1]!;
}

export type Agent = ReturnType<typeof request.agent>;
/** The app, or a handler in front of it (a statement counter, say). */
export type AgentTarget = Parameters<typeof request.agent>[0];

/** Signs in through the real login form; returns the agent (cookie jar) and a fresh CSRF token. */
export async function signIn(
  app: AgentTarget,
  email: string,
  password = testPassword,
): Promise<{ agent: Agent; csrf: string }> {
  const agent = request.agent(app);
  const page = await agent.get('/login');
  const res = await agent
    .post('/login')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), email, password });
  if (res.status !== 302) throw new Error(`sign-in failed with ${res.status}`);
  return { agent, csrf: await csrfOf(agent) };
}

/** A CSRF token for the agent's current session, read from a page every role can open. */
export async function csrfOf(agent: Agent, pagePath = '/login'): Promise<string> {
  // /login redirects signed-in users; any signed-in page carries the token in the sign-out form.
  const res = await agent.get(pagePath).redirects(1);
  return csrfFrom(res.text);
}

export async function signInAs(app: AgentTarget, database: Database, role: Role) {
  const user = await addUser(database, role);
  return { ...(await signIn(app, user.email)), user };
}
