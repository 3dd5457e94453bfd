/**
 * "Create Autotask ticket": time from the click (POST /runs/:id/ticket) to the page that shows
 * "Open ticket" (the redirect's GET), over real HTTP, against the simulator with 0 ms and with
 * 300 ms added to every Autotask call. Also counts the Autotask requests one creation makes, by
 * kind, and the SQL statements of the click plus the page.
 *
 * Part of `npm run bench` (bench/run.ts loads every bench/*.ts). Alone: `npx tsx bench/ticket-creation.ts`
 * (in-memory PGlite, or the PostgreSQL server in BENCH_DATABASE_URL / TEST_DATABASE_URL).
 *
 * Runs its own app instance (on the harness's database) because the harness's app has no
 * simulator; everything it creates is removed afterwards and the integration settings restored,
 * so the other bench modules see the database as they left it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createApp } from '../src/app.ts';
import { startSimulator, type RequestLogEntry, type Simulator } from '@backupchecks/autotask-simulator';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/database.ts';
import { createLogger } from '../src/logger.ts';
import { settleDeferredWork } from '../src/shared/deferred-work.ts';
import { SETTINGS_ID } from '../src/services/integration/settings.ts';
import { hashPassword } from '../src/services/accounts/passwords.ts';
import { encryptSecret } from '../src/shared/secret-box.ts';
import type { Measurement } from './support/harness.ts';
import type { BenchContext } from './support/types.ts';

export const title = 'Create Autotask ticket: click → "Open ticket" (POST /runs/:id/ticket + the page it leads to)';

const secrets = {
  sessionSecret: 'bench-ticket-session-secret-that-is-long-enough-0123',
  encryptionKey: 'fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210',
};
const latencies = [0, 300] as const;

type Kind = 'company re-read' | 'create' | 'read back' | 'ticket query' | 'time entries' | 'zone lookup' | 'other';

function kindOf(e: RequestLogEntry): Kind {
  if (e.entity === 'zoneInformation') return 'zone lookup';
  if (e.entity === 'Companies' && e.method === 'GET') return 'company re-read';
  if (e.entity === 'Tickets' && e.method === 'POST') return /\/query/i.test(e.path) ? 'ticket query' : 'create';
  if (e.entity === 'Tickets' && e.method === 'GET') return 'read back';
  if (e.entity === 'TimeEntries') return 'time entries';
  return 'other';
}

export async function run(ctx: BenchContext): Promise<Measurement[]> {
  const creations = Math.min(ctx.requests, 20);
  const database = ctx.harness.database;
  const sim = await startSimulator();
  const bench = await startBenchApp(database, sim);
  const saved = await database.prisma.integrationSettings.findUnique({ where: { id: SETTINGS_ID } });
  const made = { customerId: 0, jobId: 0, runIds: [] as number[] };
  try {
    await configure(database, sim);
    Object.assign(made, await seedCustomer(database));
    const cookie = await bench.signIn();
    const csrf = await csrfOf(bench.baseUrl, cookie);
    // Warm-up: zone lookup, connection pool, templates.
    made.runIds.push(await newRun(database, made.jobId));
    await clickAndWait(bench.baseUrl, cookie, csrf, made.runIds.at(-1)!);

    const out: Measurement[] = [];
    for (const latency of latencies) {
      sim.faults.setLatency(latency);
      const times: number[] = [];
      const sql: number[] = [];
      const kinds = new Map<Kind, number>();
      let status = 0;
      for (let i = 0; i < creations; i += 1) {
        const runId = await newRun(database, made.jobId);
        made.runIds.push(runId);
        await settleDeferredWork();
        sim.state.clearRequestLog();
        const queriesBefore = bench.queries();
        const r = await clickAndWait(bench.baseUrl, cookie, csrf, runId);
        times.push(r.ms);
        sql.push(bench.queries() - queriesBefore);
        status = r.status;
        for (const e of sim.requestLog) kinds.set(kindOf(e), (kinds.get(kindOf(e)) ?? 0) + 1);
      }
      times.sort((a, b) => a - b);
      out.push({
        label: `simulator +${latency} ms`,
        requests: creations,
        medianMs: times[Math.floor((times.length - 1) / 2)]!,
        p95Ms: times[Math.min(times.length - 1, Math.ceil(0.95 * times.length) - 1)]!,
        queriesMin: Math.min(...sql),
        queriesMax: Math.max(...sql),
        status,
      });
      const perCreation = [...kinds.entries()].map(([k, n]) => `${k} ${(n / creations).toFixed(1)}`).join(', ');
      console.log(
        `  [${ctx.dataset}] ticket creation, simulator +${latency} ms: Autotask requests per creation: ${perCreation}`,
      );
    }
    console.log(
      '  Note: a creation is the create and its read-back, plus the re-read of the mapped company before every create',
      '(docs/architecture.md, "Create ticket"), so 3 is the expected total. The run page may add time-entry counts',
      '(resolve gate) for the new ticket.',
    );
    return out;
  } finally {
    sim.faults.setLatency(0);
    await settleDeferredWork();
    await cleanUp(database, made);
    await restore(database, saved);
    await bench.close();
    await sim.close();
  }
}

async function clickAndWait(baseUrl: string, cookie: string, csrf: string, runId: number) {
  const start = performance.now();
  const res = await fetch(`${baseUrl}/runs/${runId}/ticket`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, returnTo: `/runs/${runId}` }),
    redirect: 'manual',
  });
  await res.arrayBuffer();
  const page = await fetch(`${baseUrl}${res.headers.get('location')}`, { headers: { cookie } });
  const html = await page.text();
  const ms = performance.now() - start;
  if (!html.includes('Open ticket'))
    throw new Error(`run ${runId}: the page does not show "Open ticket" (HTTP ${page.status})`);
  return { ms, status: page.status };
}

async function configure(database: Database, sim: Simulator) {
  const data = {
    enabled: true,
    environment: 'sandbox' as const,
    apiUsername: sim.credentials.username,
    secretEncrypted: encryptSecret(sim.credentials.secret, secrets.encryptionKey),
    integrationCode: sim.credentials.integrationCode,
    baseUrl: 'http://backupchecks.bench',
    queueId: 29683482,
    issueTypeId: 10,
    subIssueTypeId: 101,
    priorityErrorId: 1,
    priorityWarningId: 2,
    newStatusId: 1,
    apiLogLevel: 'errors' as const,
    zoneName: null,
    zoneApiUrl: null,
    zoneWebUrl: null,
    zoneCheckedAt: null,
  };
  await database.prisma.integrationSettings.upsert({
    where: { id: SETTINGS_ID },
    create: { id: SETTINGS_ID, ...data },
    update: data,
  });
}

async function restore(
  database: Database,
  saved: Awaited<ReturnType<Database['prisma']['integrationSettings']['findUnique']>>,
) {
  if (!saved) {
    await database.prisma.integrationSettings.deleteMany({ where: { id: SETTINGS_ID } });
    return;
  }
  const { id: _id, updatedAt: _updatedAt, picklists, ...rest } = saved;
  await database.prisma.integrationSettings.update({
    where: { id: SETTINGS_ID },
    data: { ...rest, ...(picklists === null ? {} : { picklists }) },
  });
}

async function seedCustomer(database: Database) {
  const db = database.prisma;
  // A simulator company no customer is mapped to (a company maps to at most one customer).
  const taken = new Set((await db.companyMapping.findMany({ select: { companyId: true } })).map((m) => m.companyId));
  const companyId = [105, 108, 110, 112, 115, 117, 120, 122, 123, 124, 125].find((id) => !taken.has(id));
  if (companyId === undefined) throw new Error('no free simulator company to map the bench customer to');
  const name = `Bench ticket customer ${Date.now()}`;
  const customer = await db.customer.create({
    data: {
      name,
      nameKey: name.toLowerCase(),
      mapping: {
        create: { companyId, companyName: 'bench', status: 'ok', lastSyncAt: new Date(), mappedAt: new Date() },
      },
    },
  });
  const job = await db.job.create({
    data: {
      customerId: customer.id,
      name: 'Nightly VMs',
      backupSoftware: 'Veeam Backup & Replication',
      backupType: 'VM backup',
    },
  });
  return { customerId: customer.id, jobId: job.id };
}

async function newRun(database: Database, jobId: number): Promise<number> {
  const run = await database.prisma.run.create({
    data: {
      jobId,
      runAt: new Date(),
      status: 'error',
      remark: 'Job failed',
      // Reviewed, so the runs never show up on Run Checks for the other bench modules.
      reviewedAt: new Date(),
      objects: {
        create: Array.from({ length: 12 }, (_, i) => ({
          position: i,
          name: `VM${i}`,
          type: 'VM',
          status: i % 3 === 0 ? ('error' as const) : ('warning' as const),
          message: 'Processing failed: the snapshot could not be created',
        })),
      },
    },
  });
  return run.id;
}

async function cleanUp(database: Database, made: { customerId: number; jobId: number; runIds: number[] }) {
  const db = database.prisma;
  if (made.runIds.length) {
    await db.ticket.deleteMany({ where: { originRunId: { in: made.runIds } } });
    await db.runObject.deleteMany({ where: { runId: { in: made.runIds } } });
    await db.run.deleteMany({ where: { id: { in: made.runIds } } });
  }
  if (made.jobId) await db.job.deleteMany({ where: { id: made.jobId } });
  if (made.customerId) {
    await db.companyMapping.deleteMany({ where: { customerId: made.customerId } });
    await db.customer.deleteMany({ where: { id: made.customerId } });
  }
}

async function startBenchApp(database: Database, sim: Simulator) {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    BCRYPT_COST: '4',
    DEMO_DATA: 'false',
    ...secrets,
  });
  const built = createApp({
    config,
    database,
    logger: createLogger('silent'),
    secrets,
    autotaskZoneLookupUrl: sim.zoneLookupUrl,
  });
  let queries = 0;
  database.prisma.$on('query' as never, () => {
    queries += 1;
  });
  const server = http.createServer(built.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    queries: () => queries,
    async signIn() {
      const email = `bench-ticket-${Date.now()}@example.com`;
      const password = 'bench password that is long';
      await database.prisma.user.create({
        data: { email, name: 'Bench operator', role: 'operator', passwordHash: await hashPassword(password, 4) },
      });
      const login = await fetch(`${baseUrl}/login`);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1]!;
      const res = await fetch(`${baseUrl}/login`, {
        method: 'POST',
        headers: { cookie: cookieOf(login), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, email, password }),
        redirect: 'manual',
      });
      if (res.status !== 302) throw new Error(`bench sign-in failed with ${res.status}`);
      return cookieOf(res);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await built.close();
    },
  };
}

async function csrfOf(baseUrl: string, cookie: string): Promise<string> {
  const page = await fetch(`${baseUrl}/run-checks`, { headers: { cookie } });
  return /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
}

function cookieOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

// Alone: `npx tsx bench/ticket-creation.ts`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { openScratchDatabase } = await import('./support/scratch-db.ts');
  const { startHarness } = await import('./support/harness.ts');
  const scratch = await openScratchDatabase();
  const harness = await startHarness(scratch.database);
  try {
    const results = await run({ harness, dataset: 'demo', requests: 20, signIn: (role) => harness.signIn(role) });
    console.log(`Database: ${scratch.label}`);
    for (const m of results) {
      console.log(
        `${m.label.padEnd(20)} n=${m.requests}  median ${m.medianMs.toFixed(1)} ms  p95 ${m.p95Ms.toFixed(1)} ms  SQL ${m.queriesMin}–${m.queriesMax}`,
      );
    }
  } finally {
    await harness.close();
    await scratch.drop();
  }
}
