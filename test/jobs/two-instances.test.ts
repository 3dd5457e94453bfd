import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '@backupchecks/autotask-simulator';
import { JOB_LABELS } from '../../src/jobs/background-jobs.ts';
import { addUser, csrfFrom } from '../support/app.ts';
import { configureAutotask } from '../support/autotask.ts';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeCustomerWithRun } from '../support/fixtures.ts';
import { spawnApps, type SpawnedApp } from '../support/spawned-app.ts';
import { simTicketsOfRun, ticketCreatePosts } from '../tickets/helpers.ts';

/**
 * Several instances of the app on one PostgreSQL database, each a real process (src/server.ts):
 * what a deployment behind a load balancer relies on (docs/operations.md). Sessions and CSRF
 * tokens live in the database, a run gets one ticket whoever is clicked, the tenant's 3 threads per
 * endpoint hold across instances, and every scheduled job runs once per period.
 * The embedded database is one process by design: there this file has nothing to test.
 */

const onPostgres = Boolean(process.env['TEST_DATABASE_URL']);

/** A signed-in browser session: its cookie and a CSRF token, usable against any instance. */
interface Session {
  readonly cookie: string;
  readonly csrf: string;
}

/** The cookies a response sets, as a Cookie header for the next request. */
const cookiesOf = (res: request.Response) =>
  ((res.headers['set-cookie'] as unknown as string[] | undefined) ?? []).map((c) => c.split(';')[0]).join('; ');

/** Sends the sign-in form of the instance at `url`, as a browser that has just opened it. */
async function postSignIn(url: string, email: string, password: string) {
  const page = await request(url).get('/login');
  return request(url)
    .post('/login')
    .set('Cookie', cookiesOf(page))
    .type('form')
    .send({ _csrf: csrfFrom(page.text), email, password });
}

async function signInAt(url: string, email: string, password: string): Promise<Session> {
  const res = await postSignIn(url, email, password);
  if (res.status !== 302) throw new Error(`sign-in failed with ${res.status}`);
  const cookie = cookiesOf(res);
  const home = await request(url).get('/run-checks').set('Cookie', cookie);
  return { cookie, csrf: csrfFrom(home.text) };
}

describe.skipIf(!onPostgres)('two app instances on one PostgreSQL database', () => {
  let db: TestDatabase;
  let sim: Simulator;
  let a: SpawnedApp;
  let b: SpawnedApp;
  const started = new Date();

  beforeAll(async () => {
    db = await createTestDatabase();
    sim = await startSimulator();
    await configureAutotask(db, sim);
    const env = {
      DATABASE_URL: db.url!,
      AUTOTASK_ZONE_LOOKUP_URL: sim.zoneLookupUrl,
      AUTOTASK_TIMEOUT_MS: '15000',
      JOB_POLL_SECONDS: '1',
    };
    [a, b] = (await spawnApps(2, env)) as [SpawnedApp, SpawnedApp];
  }, 150_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await sim?.close();
    await db?.close();
  });

  it('a session made on one instance is valid on the other', async () => {
    const user = await addUser(db, 'operator');
    const session = await signInAt(a.url!, user.email, user.password);
    const page = await request(b.url!).get('/run-checks').set('Cookie', session.cookie);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Run Checks');
    // Without the cookie the other instance sends the visitor to sign in.
    expect((await request(b.url!).get('/run-checks')).status).toBe(302);
  });

  it('failed sign-ins count across instances', async () => {
    const user = await addUser(db, 'reporter');
    const attempt = (url: string, password: string) => postSignIn(url, user.email, password);
    // LOGIN_MAX_ATTEMPTS is 5 per address: 3 wrong on one instance and 2 on the other use them up.
    for (const url of [a.url!, b.url!, a.url!, b.url!, a.url!])
      expect((await attempt(url, 'wrong password')).status).toBe(401);
    const refused = await attempt(b.url!, user.password);
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('Too many failed sign-in attempts.');
  });

  it('25 simultaneous creates spread over both instances make one ticket', async () => {
    const { run } = await makeCustomerWithRun(db, { companyId: 105 });
    const sessions: Array<Session & { at: string }> = [];
    for (let i = 0; i < 25; i += 1) {
      const user = await addUser(db, i % 3 ? 'operator' : 'admin');
      // Signed in on one instance, clicking on the other.
      const [home, other] = i % 2 ? [a.url!, b.url!] : [b.url!, a.url!];
      sessions.push({ ...(await signInAt(home, user.email, user.password)), at: other });
    }
    sim.faults.setLatency(150, { entity: 'Tickets' });
    const responses = await Promise.all(
      sessions.map((s) =>
        request(s.at)
          .post(`/runs/${run.id}/ticket`)
          .set('Cookie', s.cookie)
          .type('form')
          .send({ _csrf: s.csrf, returnTo: `/runs/${run.id}` }),
      ),
    );
    sim.faults.setLatency(0, { entity: 'Tickets' });
    expect(responses.map((r) => r.status)).toEqual(Array(25).fill(302));
    expect(simTicketsOfRun(sim, run.id)).toHaveLength(1);
    expect(ticketCreatePosts(sim).filter((e) => JSON.stringify(e).includes(`BC-RUN-${run.id}-`))).toHaveLength(
      ticketCreatePosts(sim).length,
    );
    expect(await db.prisma.ticket.count({ where: { originRunId: run.id } })).toBe(1);
  });

  it('both instances together never have more than 3 requests in flight on an endpoint', async () => {
    const admin = await addUser(db, 'admin');
    const sessions = await Promise.all([a.url!, b.url!].map((url) => signInAt(url, admin.email, admin.password)));
    sim.threads.resetHighWater();
    sim.faults.setLatency(100);
    // "Test connection" reads several endpoints one after another; 24 at once, half on each instance.
    const responses = await Promise.all(
      Array.from({ length: 24 }, (_, i) => {
        const url = i % 2 ? a.url! : b.url!;
        const s = sessions[i % 2]!;
        return request(url)
          .post('/settings/autotask/test')
          .set('Cookie', s.cookie)
          .type('form')
          .send({ _csrf: s.csrf });
      }),
    );
    sim.faults.setLatency(0);
    expect(responses.every((r) => r.status === 200 || r.status === 302)).toBe(true);
    const highWater = sim.threads.highWater();
    expect(highWater.length).toBeGreaterThan(0);
    for (const slot of highWater) expect(slot.count).toBeLessThanOrEqual(3);
    // The limit was actually reached: the instances queued for it, not the test for them.
    expect(Math.max(...highWater.map((s) => s.count))).toBe(3);
    // Nothing was refused by the thread limit (the simulator answers those with 429).
    expect(sim.requestLog.filter((e) => e.status === 429)).toEqual([]);
  });

  it('each scheduled job runs once per period across both instances', async () => {
    // A due period is one "send-it" row per schedule and minute (pg-boss's cron, unique per slot);
    // a worker turns it into the job's run, possibly seconds into the next minute. So the periods
    // are the send-it slots, not the minutes the runs were created in.
    const periods = () =>
      db.prisma.$queryRawUnsafe<Array<{ name: string; slot: Date; sends: number }>>(
        `SELECT data->>'name' AS name, singleton_on AS slot, count(*)::int AS sends
           FROM pgboss.job WHERE name = '__pgboss__send-it' AND created_on >= $1 GROUP BY 1, 2`,
        started,
      );
    const runs = () =>
      db.prisma.$queryRawUnsafe<Array<{ name: string; runs: number }>>(
        `SELECT name, count(*)::int AS runs FROM pgboss.job
           WHERE name = ANY($1::text[]) AND created_on >= $2 GROUP BY 1`,
        Object.keys(JOB_LABELS),
        started,
      );
    // Until every job whose period is a minute has run once (both instances look every second).
    const everyMinute = ['company-sync', 'ticket-status-refresh'];
    let ranNow = await runs();
    while (!everyMinute.every((name) => ranNow.some((r) => r.name === name))) {
      await new Promise((r) => setTimeout(r, 200));
      ranNow = await runs();
    }
    // Runs first: every run's period was due before it, so it is among the periods read after.
    const ran = await runs();
    const due = await periods();
    for (const period of due)
      expect(period, `${period.name} at ${period.slot.toISOString()}`).toMatchObject({ sends: 1 });
    for (const job of ran)
      expect(job.runs, job.name).toBeLessThanOrEqual(due.filter((p) => p.name === job.name).length);
  });
});
