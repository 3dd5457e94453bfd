/**
 * "Create Autotask ticket": time from the click (POST /runs/:id/ticket) to the page that shows
 * "Open ticket" (the redirect's GET), over real HTTP, against the simulator with 0 ms and with
 * 300 ms added to every Autotask call. Also counts, per request, the Autotask requests and SQL
 * statements it waited for: each request runs in an async context of its own, and what the app
 * sends while that request is open is its own (work deferred past a response, such as the
 * read-back of the new ticket, is counted apart as "after the response").
 *
 * Part of `npm run bench` (bench/run.ts loads every bench/*.ts). Alone: `npx tsx bench/ticket-creation.ts`
 * (in-memory PGlite, or the PostgreSQL server in BENCH_DATABASE_URL / TEST_DATABASE_URL).
 *
 * Runs its own app instance (on the harness's database) because the harness's app has no
 * simulator; everything it creates is removed afterwards and the integration settings restored,
 * so the other bench modules see the database as they left it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import diagnostics from 'node:diagnostics_channel';
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
/** The product target for the click at +300 ms simulator latency. */
export const targetP95Ms = 450;

const secrets = {
  sessionSecret: 'bench-ticket-session-secret-that-is-long-enough-0123',
  encryptionKey: 'fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210',
};
const latencies = [0, 300] as const;

type Kind = 'company read' | 'create' | 'read back' | 'ticket query' | 'time entries' | 'zone lookup' | 'other';

function kindOf(e: RequestLogEntry): Kind {
  if (e.entity === 'zoneInformation') return 'zone lookup';
  if (e.entity === 'Companies' && e.method === 'GET') return 'company read';
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
      const cpu: number[] = [];
      const counts = {
        postSql: [] as number[],
        clickSql: [] as number[],
        waitedFor: [] as number[],
        postMs: [] as number[],
        pageMs: [] as number[],
      };
      const after = new Map<Kind, number>();
      let status = 0;
      for (let i = 0; i < creations; i += 1) {
        const runId = await newRun(database, made.jobId);
        made.runIds.push(runId);
        await settleDeferredWork();
        sim.state.clearRequestLog();
        const cpuBefore = process.cpuUsage();
        const r = await clickAndWait(bench.baseUrl, cookie, csrf, runId);
        const used = process.cpuUsage(cpuBefore);
        cpu.push((used.user + used.system) / 1000);
        times.push(r.ms);
        const [post, page] = [bench.request('POST', r.postPath), bench.request('GET', r.pagePath)];
        counts.postSql.push(post.statements);
        counts.clickSql.push(post.statements + page.statements);
        counts.waitedFor.push(post.autotask + page.autotask);
        counts.postMs.push(post.ms);
        counts.pageMs.push(page.ms);
        status = r.status;
        await settleDeferredWork();
        // What the click waited for arrived first (the POST's before its response; the page asks
        // Autotask nothing while resolving is off); the rest came after the responses.
        for (const e of sim.requestLog.slice(post.autotask + page.autotask))
          after.set(kindOf(e), (after.get(kindOf(e)) ?? 0) + 1);
      }
      times.sort((a, b) => a - b);
      cpu.sort((a, b) => a - b);
      const m: Measurement = {
        label: `click, simulator +${latency} ms`,
        requests: creations,
        medianMs: percentile(times, 0.5),
        p95Ms: percentile(times, 0.95),
        queriesMin: Math.min(...counts.clickSql),
        queriesMax: Math.max(...counts.clickSql),
        status,
        // This process's CPU during the click: the app, and the simulator and fetch client it shares.
        cpuMedianMs: percentile(cpu, 0.5),
      };
      out.push(m);
      const perCreation = [...after.entries()].map(([k, n]) => `${k} ${(n / creations).toFixed(1)}`).join(', ');
      console.log(
        `  [${ctx.dataset}] click, simulator +${latency} ms: p50 ${m.medianMs.toFixed(0)} ms, p95 ${m.p95Ms.toFixed(0)} ms;` +
          ` Autotask requests on the critical path ${range(counts.waitedFor)} (after the response: ${perCreation || 'none'});` +
          ` SQL statements: POST ${range(counts.postSql)}, POST + page ${range(counts.clickSql)};` +
          ` server time p50: POST ${median(counts.postMs)} ms, page ${median(counts.pageMs)} ms`,
      );
    }
    console.log(
      '  Note: the click waits for the create only (docs/architecture.md, "Create ticket"); the read-back of the',
      "number and the company sync follow the response. SQL statements as Prisma's query events count them (a",
      "transaction's BEGIN is not among them); the time is the client's, from the click to the page's last byte.",
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

const percentile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
const median = (values: readonly number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  ).toFixed(0);
const range = (values: readonly number[]) => {
  const [min, max] = [Math.min(...values), Math.max(...values)];
  return min === max ? String(min) : `${min}–${max}`;
};

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
  return { ms, status: page.status, postPath: `/runs/${runId}/ticket`, pagePath: res.headers.get('location')! };
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
  // As in production (Express caches views when NODE_ENV is production), and as the harness does.
  built.app.set('view cache', true);
  const requests = trackRequests(database);
  const server = http.createServer((req, res) => requests.handle(req, res, built.app));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    /** What the last finished request with this method and path waited for. */
    request: (method: string, path: string) => requests.last(method, path),
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

interface RequestCost {
  /** Server time, from the request's arrival until its response finished. */
  ms: number;
  /** SQL statements sent while the request was open (Prisma query events). */
  statements: number;
  /** HTTP requests the app sent while the request was open: the Autotask calls it waited for. */
  autotask: number;
}

/**
 * Per-request counts. A request's handling runs in an async context of its own, so statements
 * and outgoing HTTP requests are attributed to the request that caused them; its window closes
 * when its response has finished, so work it deferred past the response is not counted. The
 * bench's own fetches go through undici and are not seen by the `http` channel.
 */
function trackRequests(database: Database) {
  const open = new AsyncLocalStorage<{ open: boolean; cost: RequestCost }>();
  const finished = new Map<string, RequestCost>();
  const count = (what: 'statements' | 'autotask') => () => {
    const window = open.getStore();
    if (window?.open) window.cost[what] += 1;
  };
  database.prisma.$on('query' as never, count('statements'));
  diagnostics.subscribe('http.client.request.start', count('autotask'));
  return {
    handle(req: http.IncomingMessage, res: http.ServerResponse, app: http.RequestListener) {
      const window = { open: true, cost: { ms: 0, statements: 0, autotask: 0 } };
      const start = performance.now();
      res.on('finish', () => {
        window.open = false;
        window.cost.ms = performance.now() - start;
        finished.set(`${req.method} ${req.url}`, window.cost);
      });
      open.run(window, () => app(req, res));
    },
    last(method: string, path: string): RequestCost {
      const cost = finished.get(`${method} ${path}`);
      if (!cost) throw new Error(`no finished ${method} ${path}`);
      return cost;
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
        `${m.label.padEnd(26)} n=${m.requests}  median ${m.medianMs.toFixed(1)} ms  p95 ${m.p95Ms.toFixed(1)} ms  CPU ${m.cpuMedianMs?.toFixed(1)} ms  SQL ${m.queriesMin}–${m.queriesMax}`,
      );
    }
  } finally {
    await harness.close();
    await scratch.drop();
  }
}
