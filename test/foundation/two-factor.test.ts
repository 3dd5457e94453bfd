import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/app.ts';
import { otpauthUri } from '../../src/services/accounts/totp.ts';
import { addUser, buildTestApp, csrfOf, signIn, signInAs } from '../support/app.ts';
import { useTestDatabase } from '../support/db.ts';
import {
  codeAt,
  enrol,
  passwordStep,
  recoveryCodesFrom,
  sendCode,
  signInWithCode,
  storedSecret,
  useStepClock,
} from './two-factor-helpers.ts';

const ctx = useTestDatabase();
const clock = useStepClock();
let built: BuiltApp;

beforeAll(() => {
  built = buildTestApp(ctx.db);
});
afterAll(() => built.close());
// Each test starts with fresh attempt budgets: the IP's is shared by every test of the file.
beforeEach(() => ctx.db.prisma.rateLimit.deleteMany());

/** A user of `role` who has turned two-factor sign-in on; the clock is past the step of the code used. */
async function enrolledUser(role: 'admin' | 'operator' = 'operator') {
  const { agent, csrf, user } = await signInAs(built.app, ctx.db, role);
  const { secret, recoveryCodes } = await enrol(agent, csrf, clock.nextStep());
  return { user, agent, secret, recoveryCodes };
}

describe('Setting up two-factor sign-in', () => {
  it('shows a QR code and the key, turns on with a code, and shows the recovery codes once', async () => {
    const { agent, csrf, user } = await signInAs(built.app, ctx.db, 'operator');
    const elsewhere = await signIn(built.app, user.email);

    const page = await agent.get('/account/two-factor');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Turn on two-factor sign-in');
    expect(page.text).toContain('Code from the app');
    const qr = /src="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)"/.exec(page.text);
    expect(Buffer.from(qr![1]!, 'base64').toString()).toMatch(/^<svg [^>]*>.*<\/svg>/s);
    const secret = await storedSecret(ctx.db, user.id);
    expect(page.text).toContain(secret.replace(/(.{4})(?=.)/g, '$1 '));
    // Stored encrypted, not in the clear; a reload shows the same key (a scanned QR code stays valid).
    const row = await ctx.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.totpSecret).not.toContain(secret);
    expect(row.totpEnabledAt).toBeNull();
    expect((await agent.get('/account/two-factor')).text).toContain(secret.slice(0, 4));
    expect(await storedSecret(ctx.db, user.id)).toBe(secret);

    const wrong = await agent.post('/account/two-factor/confirm').type('form').send({ _csrf: csrf, code: '000000' });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('That code is not correct.');

    const on = await agent
      .post('/account/two-factor/confirm')
      .type('form')
      .send({ _csrf: csrf, code: codeAt(secret, clock.nextStep()) });
    expect(on.status).toBe(200);
    expect(on.text).toContain('Save these recovery codes');
    expect(on.text).toContain('each works once');
    expect(on.text).toContain('They will not be shown again.');
    const codes = recoveryCodesFrom(on.text);
    expect(new Set(codes).size).toBe(10);

    const stored = await ctx.db.prisma.recoveryCode.findMany({ where: { userId: user.id } });
    expect(stored).toHaveLength(10);
    expect(stored.map((c) => c.codeHash)).not.toContain(codes[0]);
    expect((await ctx.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).totpEnabledAt).not.toBeNull();
    expect(await ctx.db.prisma.auditEvent.count({ where: { action: 'two_factor.enrolled' } })).toBe(1);

    // Shown once: the page now manages it and names no code.
    const managed = await agent.get('/account/two-factor');
    expect(managed.text).toContain('Turn off two-factor sign-in');
    expect(managed.text).toContain('Make new recovery codes');
    expect(managed.text).toMatch(/Recovery codes left: <strong>10<\/strong>/);
    expect(recoveryCodesFrom(managed.text)).toEqual([]);
    // The session opened with the password alone has ended; this one goes on.
    expect((await elsewhere.agent.get('/account')).headers.location).toMatch(/^\/login/);
    expect((await agent.get('/account')).status).toBe(200);
  });

  it('carries the issuer and the e-mail address in the otpauth address', () => {
    const uri = otpauthUri('JBSWY3DPEHPK3PXP', 'ops@example.com');
    expect(uri).toMatch(/^otpauth:\/\/totp\/Backupchecks:ops%40example\.com\?/);
    expect(uri).toContain('issuer=Backupchecks');
    expect(uri).toContain('secret=JBSWY3DPEHPK3PXP');
  });
});

describe('Signing in with two-factor sign-in on', () => {
  it('asks for the code after the password, refuses a wrong one, and signs in with the right one', async () => {
    const { user, secret } = await enrolledUser();
    const { agent, csrf } = await passwordStep(built.app, user.email, '/customers');
    const form = await agent.get('/login/two-factor');
    expect(form.text).toContain('Code from your authenticator app');
    expect(form.text).toContain('Verify');
    expect(form.text).toContain('Cancel sign-in');

    // Half-way is not signed in: every other page sends the visitor to the sign-in form.
    expect((await agent.get('/run-checks')).headers.location).toBe('/login?next=%2Frun-checks');

    const empty = await sendCode(agent, csrf, ' ');
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('Enter the code from your authenticator app');

    const wrong = await sendCode(agent, csrf, '123456');
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('That code is not correct.');

    const right = await sendCode(agent, csrf, codeAt(secret, clock.nextStep()));
    expect(right.status).toBe(302);
    expect(right.headers.location).toBe('/customers');
    expect((await agent.get('/account')).status).toBe(200);
    // One for the password-only sign-in that set it up, one for this one.
    expect(await ctx.db.prisma.auditEvent.count({ where: { action: 'auth.login', actorId: user.id } })).toBe(2);
  });

  it('refuses a code used before (same step) and one of an earlier step', async () => {
    const { user, secret } = await enrolledUser();
    const earlier = codeAt(secret, clock.now());
    const code = codeAt(secret, clock.nextStep());
    await signInWithCode(built.app, user.email, code);

    const replay = await passwordStep(built.app, user.email);
    expect((await sendCode(replay.agent, replay.csrf, code)).status).toBe(401);
    expect((await sendCode(replay.agent, replay.csrf, earlier)).status).toBe(401);
    expect((await replay.agent.get('/account')).status).toBe(302);
  });

  it('lets only one of two parallel requests with the same code through', async () => {
    const { user, secret } = await enrolledUser();
    const [first, second] = await Promise.all([
      passwordStep(built.app, user.email),
      passwordStep(built.app, user.email),
    ]);
    const code = codeAt(secret, clock.nextStep());
    const answers = await Promise.all([
      sendCode(first.agent, first.csrf, code),
      sendCode(second.agent, second.csrf, code),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([302, 401]);
  });

  it('accepts a recovery code once, says how many are left, and audits it', async () => {
    const { user, recoveryCodes } = await enrolledUser();
    const { agent, csrf } = await passwordStep(built.app, user.email);
    // Typed the way people copy from paper: capitals and spaces.
    const typed = recoveryCodes[3]!.toUpperCase().replace(/-/g, ' ');
    const res = await sendCode(agent, csrf, typed);
    expect(res.status).toBe(302);
    const landing = await agent.get(res.headers.location!);
    expect(landing.text).toContain(
      'You signed in with a recovery code; it cannot be used again. 9 recovery codes left.',
    );
    const events = await ctx.db.prisma.auditEvent.findMany({ where: { action: 'two_factor.recovery_code_used' } });
    expect(events.map((e) => e.summary)).toContain(`${user.email} signed in with a recovery code (9 left)`);

    const again = await passwordStep(built.app, user.email);
    const reused = await sendCode(again.agent, again.csrf, recoveryCodes[3]!);
    expect(reused.status).toBe(401);
    expect(reused.text).toContain('That code is not correct.');
  });

  it('sends the visitor back to the password when the code step has run out or was never started', async () => {
    const { user, secret } = await enrolledUser();
    const lone = await passwordStep(built.app, user.email);
    clock.advance(5 * 60_000 + 1_000);

    const form = await lone.agent.get('/login/two-factor');
    expect(form.status).toBe(302);
    expect(form.headers.location).toBe('/login');
    const late = await sendCode(lone.agent, lone.csrf, codeAt(secret, clock.nextStep()));
    expect(late.status).toBe(302);
    expect(late.headers.location).toBe('/login');
    expect((await lone.agent.get('/account')).headers.location).toMatch(/^\/login/);

    const stranger = await signInAs(built.app, ctx.db, 'reporter');
    expect((await stranger.agent.get('/login/two-factor')).headers.location).toBe('/login');
  });
});

describe('Managing two-factor sign-in', () => {
  it('makes new recovery codes for a current code; the old ones stop working', async () => {
    const { user, agent, secret, recoveryCodes } = await enrolledUser();
    const csrf = await csrfOf(agent, '/account');
    const wrong = await agent
      .post('/account/two-factor/recovery-codes')
      .type('form')
      .send({ _csrf: csrf, code: '111111' });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('That code is not correct.');

    const res = await agent
      .post('/account/two-factor/recovery-codes')
      .type('form')
      .send({ _csrf: csrf, code: codeAt(secret, clock.nextStep()) });
    expect(res.status).toBe(200);
    const fresh = recoveryCodesFrom(res.text);
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(recoveryCodes[0]);
    expect(await ctx.db.prisma.auditEvent.count({ where: { action: 'two_factor.recovery_codes_regenerated' } })).toBe(
      1,
    );

    const old = await passwordStep(built.app, user.email);
    expect((await sendCode(old.agent, old.csrf, recoveryCodes[0]!)).status).toBe(401);
    expect((await sendCode(old.agent, old.csrf, fresh[0]!)).status).toBe(302);
  });

  it('turns off with the password (not with a wrong one) and ends the other sessions', async () => {
    const { user, agent, secret } = await enrolledUser();
    const other = await signInWithCode(built.app, user.email, codeAt(secret, clock.nextStep()));
    const csrf = await csrfOf(agent, '/account');

    const wrong = await agent
      .post('/account/two-factor/disable')
      .type('form')
      .send({ _csrf: csrf, credential: 'not my password' });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('That is neither a current code from the app nor your password.');

    const off = await agent
      .post('/account/two-factor/disable')
      .type('form')
      .send({ _csrf: csrf, credential: user.password });
    expect(off.status).toBe(302);
    const row = await ctx.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect([row.totpSecret, row.totpEnabledAt, row.totpLastStep]).toEqual([null, null, null]);
    // Back on the set-up page, which offers a new key.
    const page = await agent.get(off.headers.location!);
    expect(page.text).toContain('Two-factor sign-in is off.');
    expect(page.text).toContain('Turn on two-factor sign-in');
    expect(await ctx.db.prisma.recoveryCode.count({ where: { userId: user.id } })).toBe(0);
    expect(await ctx.db.prisma.auditEvent.count({ where: { action: 'two_factor.disabled' } })).toBe(1);
    expect((await other.agent.get('/account')).headers.location).toMatch(/^\/login/);
    // The password alone signs in again.
    expect((await signIn(built.app, user.email)).agent).toBeDefined();
  });

  it('turns off with a current code from the app', async () => {
    const { user, agent, secret } = await enrolledUser();
    const csrf = await csrfOf(agent, '/account');
    const off = await agent
      .post('/account/two-factor/disable')
      .type('form')
      .send({ _csrf: csrf, credential: codeAt(secret, clock.nextStep()) });
    expect(off.status).toBe(302);
    expect((await ctx.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).totpEnabledAt).toBeNull();
  });
});

describe('Attempt limit on the code step', () => {
  let limited: BuiltApp;
  beforeAll(() => {
    limited = buildTestApp(ctx.db, { LOGIN_MAX_ATTEMPTS: '3' });
  });
  afterAll(() => limited.close());

  it('answers 429 with Retry-After once the wrong codes are spent, even for the right code', async () => {
    const { user, secret } = await enrolledUser();
    const { agent, csrf } = await passwordStep(limited.app, user.email);
    for (let i = 0; i < 3; i++) expect((await sendCode(agent, csrf, '000000')).status).toBe(401);
    const blocked = await sendCode(agent, csrf, codeAt(secret, clock.nextStep()));
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.text).toContain('Too many wrong codes. Try again in');
  });

  it('checks at most the limit of parallel wrong codes', async () => {
    const { user } = await enrolledUser();
    const { agent, csrf } = await passwordStep(limited.app, user.email);
    const answers = await Promise.all(Array.from({ length: 8 }, () => sendCode(agent, csrf, '000000')));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
  });

  it('gives the budget back after a right code', async () => {
    const { user, secret } = await enrolledUser();
    const first = await passwordStep(limited.app, user.email);
    for (let i = 0; i < 2; i++) expect((await sendCode(first.agent, first.csrf, '000000')).status).toBe(401);
    expect((await sendCode(first.agent, first.csrf, codeAt(secret, clock.nextStep()))).status).toBe(302);
    const next = await passwordStep(limited.app, user.email);
    for (let i = 0; i < 3; i++) expect((await sendCode(next.agent, next.csrf, '000000')).status).toBe(401);
  });
});

describe('Two-factor state of an account', () => {
  it('stays off for a new user, and a user without it signs in with the password alone', async () => {
    const user = await addUser(ctx.db, 'reporter');
    const { agent } = await signIn(built.app, user.email);
    expect((await agent.get('/account')).text).toContain('Set up two-factor sign-in');
  });
});
