import { Secret, TOTP } from 'otpauth';
import request from 'supertest';
import { afterAll, beforeAll, expect, vi } from 'vitest';
import type { BuiltApp } from '../../src/app.ts';
import type { Database } from '../../src/db/database.ts';
import { decryptSecret } from '../../src/shared/secret-box.ts';
import { csrfFrom, csrfOf, testPassword, testSecrets, type Agent } from '../support/app.ts';

const STEP_MS = 30_000;

/**
 * The clock of a two-factor test file: only `Date` is faked, so the app's TOTP checks, sessions and
 * rate limits all see the same time while timers and I/O run as usual. `nextStep()` moves to the
 * next 30-second step, so each code a test uses belongs to a step no earlier code used (a code is
 * accepted once per step); no test waits for real time to pass.
 */
export function useStepClock() {
  let now = 0;
  beforeAll(() => {
    // A few seconds into a step, near the real time (database defaults such as createdAt use it).
    now = Math.floor(Date.now() / STEP_MS) * STEP_MS + 5_000;
    vi.useFakeTimers({ toFake: ['Date'], now });
  });
  afterAll(() => {
    vi.useRealTimers();
  });
  const advance = (ms: number): number => {
    now += ms;
    vi.setSystemTime(now);
    return now;
  };
  return { now: () => now, advance, nextStep: () => advance(STEP_MS) };
}

/** The code an authenticator app shows at `timestamp`. */
export function codeAt(secretBase32: string, timestamp: number): string {
  return TOTP.generate({ secret: Secret.fromBase32(secretBase32), timestamp });
}

/** The user's secret as the app stores it, decrypted with the test key. */
export async function storedSecret(database: Database, userId: number): Promise<string> {
  const user = await database.prisma.user.findUniqueOrThrow({ where: { id: userId } });
  if (!user.totpSecret) throw new Error('no two-factor secret stored');
  return decryptSecret(user.totpSecret, testSecrets.encryptionKey);
}

/** The key shown for typing in, without the spaces that group it. */
export function secretFrom(html: string): string {
  const match = /<code id="totp-secret">([A-Z2-7 ]+)<\/code>/.exec(html);
  if (!match) throw new Error('no two-factor key on the page');
  return match[1]!.replace(/ /g, '');
}

export function recoveryCodesFrom(html: string): string[] {
  return [...html.matchAll(/<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})<\/code>/g)].map((m) => m[1]!);
}

/** Turns two-factor sign-in on through the set-up page with a code of `timestamp`. */
export async function enrol(agent: Agent, csrf: string, timestamp: number) {
  const page = await agent.get('/account/two-factor');
  expect(page.status).toBe(200);
  const secret = secretFrom(page.text);
  const res = await agent
    .post('/account/two-factor/confirm')
    .type('form')
    .send({ _csrf: csrf, code: codeAt(secret, timestamp) });
  expect(res.status).toBe(200);
  const recoveryCodes = recoveryCodesFrom(res.text);
  expect(recoveryCodes).toHaveLength(10);
  return { secret, recoveryCodes };
}

/** The password step: the agent is half-way, on the code form; the CSRF token is that form's. */
export async function passwordStep(app: BuiltApp['app'], email: string, next?: string) {
  const agent = request.agent(app);
  const page = await agent.get('/login');
  const res = await agent
    .post('/login')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), email, password: testPassword, ...(next ? { next } : {}) });
  expect(res.status).toBe(302);
  expect(res.headers.location).toBe('/login/two-factor');
  const form = await agent.get('/login/two-factor');
  expect(form.status).toBe(200);
  return { agent, csrf: csrfFrom(form.text) };
}

export function sendCode(agent: Agent, csrf: string, code: string) {
  return agent.post('/login/two-factor').type('form').send({ _csrf: csrf, code });
}

/** Both steps; returns the signed-in agent and a CSRF token of its new session. */
export async function signInWithCode(app: BuiltApp['app'], email: string, code: string) {
  const { agent, csrf } = await passwordStep(app, email);
  const res = await sendCode(agent, csrf, code);
  expect(res.status).toBe(302);
  return { agent, csrf: await csrfOf(agent, '/account') };
}
