/**
 * The background status refresh (src/services/tickets/background-status-refresh.ts) of 2,000 open
 * tickets against the Autotask simulator with 100 ms added to every call: prints the Autotask
 * requests of one cycle and its wall time (target: at most 4 requests — 2,000 ids in queries of
 * 500). Measured twice: with a fresh reading of the hourly request budget stored (the cycle's own
 * requests), and with a reading over five minutes old, which costs one ThresholdInformation request
 * more (at most 12 an hour, shared by all background work; integration/request-budget.ts).
 *
 * Part of `npm run bench` (measured once, with the demo data set), `npm run bench -- ticket-status-refresh`,
 * or alone: `npx tsx bench/ticket-status-refresh.ts` (in-memory PGlite, or the PostgreSQL server in
 * BENCH_DATABASE_URL / TEST_DATABASE_URL). Its own scratch database, so its 2,000 tickets never
 * change what the other bench modules measure.
 */
import { pathToFileURL } from 'node:url';
import { startSimulator, type Simulator } from '@backupchecks/autotask-simulator';
import type { Database } from '../src/db/database.ts';
import { createLogger } from '../src/logger.ts';
import { createPsaAccess } from '../src/psa/access.ts';
import { createAutotaskAccess } from '../src/services/integration/autotask-access.ts';
import { getIntegrationSettings, SETTINGS_ID } from '../src/services/integration/settings.ts';
import {
  DEFAULT_INTERVAL_MS,
  refreshOpenTicketStatuses,
  type StatusRefreshCycle,
} from '../src/services/tickets/background-status-refresh.ts';
import { encryptSecret } from '../src/shared/secret-box.ts';
import type { Measurement } from './support/harness.ts';
import { openScratchDatabase } from './support/scratch-db.ts';
import type { BenchContext } from './support/types.ts';

export const title = 'Background ticket status refresh (2,000 open tickets, 100 ms latency per call)';
/** Wall times of a whole cycle, not page times: no p95 target applies. */
export const targetP95Ms = null;

const TICKETS = 2000;
/** Tickets closed in Autotask since their last read: the cycle writes their new status. */
const CLOSED = 25;
const LATENCY_MS = 100;
const TARGET_REQUESTS = 4;
const encryptionKey = 'fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210';

export interface CycleFigures {
  readonly label: string;
  readonly requests: number;
  readonly byKind: string;
  readonly wallMs: number;
  readonly sqlStatements: number;
  readonly cycle: StatusRefreshCycle;
}

export async function measureStatusRefresh(): Promise<CycleFigures[]> {
  const scratch = await openScratchDatabase();
  const sim = await startSimulator();
  try {
    const { database } = scratch;
    await configure(database, sim);
    const ticketIds = await seedOpenTickets(database, sim);
    for (const id of ticketIds.slice(0, CLOSED)) sim.state.setTicketStatus(id, 5);
    const access = createAutotaskAccess({
      db: database.prisma,
      encryptionKey,
      zoneLookupUrl: sim.zoneLookupUrl,
      timeoutMs: 30_000,
      logger: createLogger('silent'),
    });
    // Autotask is the active PSA here: no ConnectWise settings are saved.
    const psa = createPsaAccess({ autotask: access, connectwise: () => Promise.resolve(null) });
    const deps = { db: database.prisma, psa, logger: createLogger('silent') };
    // The zone is cached for hours in normal operation; look it up before measuring.
    await access.client(await getIntegrationSettings(database.prisma)).getZone();
    sim.faults.setLatency(LATENCY_MS);
    let sqlStatements = 0;
    database.prisma.$on('query' as never, () => {
      sqlStatements += 1;
    });

    const measure = async (label: string, now: Date): Promise<CycleFigures> => {
      sim.state.clearRequestLog();
      sqlStatements = 0;
      const started = performance.now();
      const cycle = await refreshOpenTicketStatuses(deps, { now });
      const wallMs = performance.now() - started;
      const kinds = new Map<string, number>();
      for (const e of sim.requestLog) kinds.set(e.entity ?? 'other', (kinds.get(e.entity ?? 'other') ?? 0) + 1);
      const byKind = [...kinds].map(([k, n]) => `${k} ${n}`).join(', ');
      return { label, requests: sim.requestLog.length, byKind, wallMs, sqlStatements, cycle };
    };

    const now = new Date();
    // A budget reading taken moments ago (by other background work, or Test connection).
    await database.prisma.integrationSettings.update({
      where: { id: SETTINGS_ID },
      data: { thresholdCheckedAt: now, thresholdUsed: 120, thresholdLimit: 10_000 },
    });
    const fresh = await measure('budget reading fresh', now);
    // The next cycle, an interval later: the stored reading is older than five minutes by then.
    for (const id of ticketIds.slice(CLOSED, 2 * CLOSED)) sim.state.setTicketStatus(id, 5);
    const stale = await measure('budget reading due', new Date(now.getTime() + DEFAULT_INTERVAL_MS));
    return [fresh, stale];
  } finally {
    await sim.close();
    await scratch.drop();
  }
}

async function configure(database: Database, sim: Simulator): Promise<void> {
  const data = {
    enabled: true,
    environment: 'sandbox' as const,
    apiUsername: sim.credentials.username,
    secretEncrypted: encryptSecret(sim.credentials.secret, encryptionKey),
    integrationCode: sim.credentials.integrationCode,
    apiLogLevel: 'errors' as const,
    // Status labels cached as the settings page caches them, so unchanged tickets read as unchanged.
    picklists: {
      status: sim.state.picklist('Tickets', 'status').map((p) => ({ value: Number(p.value), label: p.label })),
    },
  };
  await database.prisma.integrationSettings.upsert({
    where: { id: SETTINGS_ID },
    create: { id: SETTINGS_ID, ...data },
    update: data,
  });
}

/** 2,000 runs of one job, each with its own open ticket (New) in the simulator and as a Ticket record. */
async function seedOpenTickets(database: Database, sim: Simulator): Promise<number[]> {
  const db = database.prisma;
  const customer = await db.customer.create({ data: { name: 'Bench tickets', nameKey: 'bench tickets' } });
  const job = await db.job.create({
    data: { customerId: customer.id, name: 'Nightly', backupSoftware: 'Veeam', backupType: 'VM backup' },
  });
  const start = Date.now() - TICKETS * 60_000;
  await db.run.createMany({
    data: Array.from({ length: TICKETS }, (_, i) => ({
      jobId: job.id,
      runAt: new Date(start + i * 60_000),
      status: 'error' as const,
    })),
  });
  const runs = await db.run.findMany({ where: { jobId: job.id }, select: { id: true }, orderBy: { id: 'asc' } });
  const checkedAt = new Date(Date.now() - 3_600_000);
  const ticketIds: number[] = [];
  await db.ticket.createMany({
    data: runs.map((run) => {
      const reference = `BC-RUN-${run.id}-bench`;
      const t = sim.state.addTicket({ title: `Run ${run.id}`, companyID: 105, status: 1, externalID: reference });
      ticketIds.push(t.id);
      return {
        originRunId: run.id,
        jobId: job.id,
        state: 'created' as const,
        reference,
        ticketId: t.id,
        ticketNumber: t.ticketNumber,
        url: sim.ticketUrl(t.id),
        statusId: 1,
        statusLabel: 'New',
        statusCheckedAt: checkedAt,
      };
    }),
  });
  return ticketIds;
}

function report(figures: readonly CycleFigures[]): void {
  console.log(`\n${title}`);
  for (const f of figures) {
    const result =
      f.cycle.outcome === 'refreshed'
        ? `${f.cycle.checked} checked, ${f.cycle.missing} missing`
        : f.cycle.outcome === 'skipped'
          ? `skipped: ${f.cycle.reason}`
          : `failed: ${f.cycle.error.message}`;
    console.log(
      `  ${f.label}:\n` +
        `    Autotask requests: ${f.requests} (${f.byKind || 'none'})\n` +
        `    wall time:         ${(f.wallMs / 1000).toFixed(2)} s\n` +
        `    SQL statements:    ${f.sqlStatements}\n` +
        `    result:            ${result}`,
    );
  }
  const own = figures[0]!;
  console.log(
    `  target ≤ ${TARGET_REQUESTS} requests for the refresh: ${own.requests <= TARGET_REQUESTS ? 'met' : 'MISSED'}` +
      ` (${own.requests}; ${figures[1]?.requests ?? '?'} when the budget reading is due as well)`,
  );
}

/** bench/run.ts calls this once per data set; the figures do not depend on it, so it measures once. */
export async function run(ctx: BenchContext): Promise<Measurement[]> {
  if (ctx.dataset !== 'demo') return [];
  const figures = await measureStatusRefresh();
  report(figures);
  // In the shared table: n = Autotask requests, the times = the wall time of the whole cycle.
  return figures.map((f) => ({
    label: `${TICKETS} open tickets, ${f.label} (n = Autotask requests, time = wall)`,
    requests: f.requests,
    medianMs: f.wallMs,
    p95Ms: f.wallMs,
    queriesMin: f.sqlStatements,
    queriesMax: f.sqlStatements,
    status: f.cycle.outcome === 'refreshed' ? 200 : 502,
  }));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  report(await measureStatusRefresh());
}
