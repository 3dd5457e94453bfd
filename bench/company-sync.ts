/**
 * "Refresh all mappings" for 2,000 mapped customers against the Autotask simulator with 100 ms
 * added to every call: prints the number of Autotask requests and the wall time (target: at most 4
 * requests, under 3 s), once called directly and once as a job through the job queue with two
 * workers competing for it (src/jobs/), with the queue's own overhead per job. Part of
 * `npm run bench` (measured once, with the demo data set), and runnable alone:
 * `npx tsx bench/company-sync.ts`.
 *
 * It uses a scratch database of its own, so its 2,000 customers never change what the other
 * bench modules measure.
 */
import { pathToFileURL } from 'node:url';
import { createAutotaskClient } from '../src/autotask/client.ts';
import { startSimulator } from '@backupchecks/autotask-simulator';
import { systemActor } from '../src/services/accounts/audit.ts';
import { refreshAllMappings } from '../src/services/mapping/map-customer.ts';
import { createLogger } from '../src/logger.ts';
import { createJobQueue, type BackgroundJob, type JobQueue } from '../src/jobs/queue.ts';
import type { Database } from '../src/db/database.ts';
import type { Measurement } from './support/harness.ts';
import { openScratchDatabase } from './support/scratch-db.ts';
import type { BenchContext } from './support/types.ts';

export const title = 'Refresh all Autotask mappings (2,000 customers, 100 ms latency per call)';

const MAPPINGS = 2000;
const LATENCY_MS = 100;
const TARGET_REQUESTS = 4;
const TARGET_MS = 3000;

export interface CompanySyncFigures {
  readonly mappings: number;
  readonly requests: number;
  readonly wallMs: number;
  readonly sqlStatements: number;
  readonly checked: number;
  readonly renamed: number;
  readonly invalid: number;
  readonly errors: number;
  /** The same refresh queued as a job and taken by one of two workers: send to completion. */
  readonly queued: {
    readonly requests: number;
    readonly wallMs: number;
    readonly errors: number;
    readonly sqlStatements: number;
  };
  /** Send to completion of a job that does nothing, averaged: what the queue itself adds. */
  readonly queueOverheadMs: number;
  readonly overheadJobs: number;
}

/** How often the bench's workers look for jobs: the queue's latency is about half of it. */
const POLL_SECONDS = 1;
const OVERHEAD_JOBS = 10;

/** Two worker queues on one database (two instances) and a serving one to queue jobs from. */
async function startWorkers(database: Database, jobs: BackgroundJob[]) {
  const logger = createLogger('silent');
  const make = (mode: 'work' | 'serve') => createJobQueue({ database, jobs, logger, mode, pollSeconds: POLL_SECONDS });
  const queues = [make('work'), make('work'), make('serve')];
  for (const q of queues) await q.start();
  return { sender: queues[2]!, stop: () => Promise.all(queues.map((q) => q.stop(5))) };
}

/** Queues one run of `name` and waits until a worker completed it; the wall time in ms. */
async function throughQueue(sender: JobQueue, name: string): Promise<number> {
  const started = performance.now();
  const id = await sender.runNow(name);
  if (!id) throw new Error(`${name}: not queued`);
  for (;;) {
    const state = await sender.stateOf(name, id);
    if (state === 'completed') return performance.now() - started;
    if (state === 'failed' || state === null) throw new Error(`${name}: ended ${state ?? 'archived'}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function measureCompanySync(): Promise<CompanySyncFigures> {
  const scratch = await openScratchDatabase();
  const sim = await startSimulator({ seed: 'empty' });
  try {
    const db = scratch.database.prisma;
    for (let i = 0; i < MAPPINGS; i++) sim.state.addCompany({ id: 10_000 + i, companyName: `Bench Company ${i}` });
    // A little of everything the rules handle: a few renames, a deleted and an inactive company.
    for (let i = 0; i < 5; i++) sim.state.renameCompany(10_000 + i * 400, `Bench Company ${i * 400} (renamed)`);
    sim.state.deleteCompany(10_001);
    sim.state.deactivateCompany(10_002);

    await db.customer.createMany({
      data: Array.from({ length: MAPPINGS }, (_, i) => ({
        name: `Bench Customer ${i}`,
        nameKey: `bench customer ${i}`,
      })),
    });
    const customers = await db.customer.findMany({ select: { id: true }, orderBy: { id: 'asc' } });
    await db.companyMapping.createMany({
      data: customers.map((c, i) => ({
        customerId: c.id,
        companyId: 10_000 + i,
        companyName: `Bench Company ${i}`,
        status: 'ok' as const,
        lastSyncAt: new Date(Date.now() - 2 * 3_600_000),
      })),
    });

    const client = createAutotaskClient({
      credentials: sim.credentials,
      environment: 'sandbox',
      zoneLookupUrl: sim.zoneLookupUrl,
      logLevel: 'off',
    });
    // Only the name of the PSA is read from its profile (for the audit line).
    const profile = { name: 'Autotask' };
    // The zone is cached for hours in normal operation; look it up before measuring.
    await client.getZone();
    sim.state.clearRequestLog();
    sim.faults.setLatency(LATENCY_MS);

    let sqlStatements = 0;
    scratch.database.prisma.$on('query' as never, () => {
      sqlStatements += 1;
    });
    const started = performance.now();
    const summary = await refreshAllMappings({ db, client, profile }, systemActor);
    const wallMs = performance.now() - started;
    const statements = sqlStatements;
    const inlineRequests = sim.requestLog.length;

    // The same refresh as a job; the requests are counted the same way (the zone stays cached).
    let queuedSummary = summary;
    const jobs: BackgroundJob[] = [
      {
        name: 'bench-refresh-all',
        label: 'Refresh all (bench)',
        cron: '0 0 1 1 *',
        expireInSeconds: 300,
        run: async () => (queuedSummary = await refreshAllMappings({ db, client, profile }, systemActor)),
      },
      {
        name: 'bench-nothing',
        label: 'Nothing (bench)',
        cron: '0 0 1 1 *',
        expireInSeconds: 60,
        run: () => Promise.resolve(null),
      },
    ];
    const workers = await startWorkers(scratch.database, jobs);
    let queuedMs: number;
    let queuedStatements = 0;
    let overheadMs = 0;
    sim.faults.setLatency(0);
    try {
      // One job first, so both workers are polling before anything is measured.
      await throughQueue(workers.sender, 'bench-nothing');
      for (let i = 0; i < OVERHEAD_JOBS; i++) overheadMs += await throughQueue(workers.sender, 'bench-nothing');
      sim.state.clearRequestLog();
      sim.faults.setLatency(LATENCY_MS);
      // Prisma's statements only: the queue's own go through pg-boss's connection.
      const before = sqlStatements;
      queuedMs = await throughQueue(workers.sender, 'bench-refresh-all');
      queuedStatements = sqlStatements - before;
    } finally {
      await workers.stop();
    }
    return {
      mappings: MAPPINGS,
      requests: inlineRequests,
      wallMs,
      sqlStatements: statements,
      queued: {
        requests: sim.requestLog.length,
        wallMs: queuedMs,
        errors: queuedSummary.errors,
        sqlStatements: queuedStatements,
      },
      queueOverheadMs: overheadMs / OVERHEAD_JOBS,
      overheadJobs: OVERHEAD_JOBS,
      checked: summary.checked,
      renamed: summary.renamed,
      invalid: summary.invalid,
      errors: summary.errors,
    };
  } finally {
    await sim.close();
    await scratch.drop();
  }
}

function report(f: CompanySyncFigures): void {
  const met = (requests: number, ms: number) => requests <= TARGET_REQUESTS && ms < TARGET_MS;
  console.log(
    `\n${title}\n` +
      `  Autotask requests: ${f.requests} (target ≤ ${TARGET_REQUESTS})\n` +
      `  wall time:         ${(f.wallMs / 1000).toFixed(2)} s (target < ${TARGET_MS / 1000} s)\n` +
      `  SQL statements:    ${f.sqlStatements}\n` +
      `  result:            ${f.checked} checked, ${f.renamed} renamed, ${f.invalid} invalid, ${f.errors} errors\n` +
      `  target ${met(f.requests, f.wallMs) ? 'met' : 'MISSED'}\n` +
      `  through the job queue, two workers (polling every ${POLL_SECONDS} s):\n` +
      `    Autotask requests: ${f.queued.requests}, wall time ${(f.queued.wallMs / 1000).toFixed(2)} s, ` +
      `${f.queued.errors} errors: target ${met(f.queued.requests, f.queued.wallMs) ? 'met' : 'MISSED'}\n` +
      `    queue overhead per job: ${f.queueOverheadMs.toFixed(0)} ms (queued to completed, a job that does nothing, mean of ${f.overheadJobs})`,
  );
}

/** bench/run.ts calls this once per data set; the figures do not depend on it, so it measures once. */
export async function run(ctx: BenchContext): Promise<Measurement[]> {
  if (ctx.dataset !== 'demo') return [];
  const f = await measureCompanySync();
  report(f);
  // In the shared table: n = Autotask requests, the times = the wall time of the whole refresh.
  return [
    {
      label: `refresh all, ${f.mappings} mappings (n = Autotask requests, time = wall)`,
      requests: f.requests,
      medianMs: f.wallMs,
      p95Ms: f.wallMs,
      queriesMin: f.sqlStatements,
      queriesMax: f.sqlStatements,
      status: f.errors === 0 ? 200 : 502,
    },
    {
      label: `refresh all through the job queue, two workers (n = Autotask requests, time = queued to done)`,
      requests: f.queued.requests,
      medianMs: f.queued.wallMs,
      p95Ms: f.queued.wallMs,
      queriesMin: f.queued.sqlStatements,
      queriesMax: f.queued.sqlStatements,
      status: f.queued.errors === 0 ? 200 : 502,
    },
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  report(await measureCompanySync());
}
