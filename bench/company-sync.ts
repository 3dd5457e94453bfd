/**
 * "Refresh all mappings" for 2,000 mapped customers against the Autotask simulator with 100 ms
 * added to every call: prints the number of Autotask requests and the wall time (target: at most 4
 * requests, under 3 s). Part of `npm run bench` (measured once, with the demo data set), and
 * runnable alone: `npx tsx bench/company-sync.ts`.
 *
 * It uses a scratch database of its own, so its 2,000 customers never change what the other
 * bench modules measure.
 */
import { pathToFileURL } from 'node:url';
import { createAutotaskClient } from '../src/autotask/client.ts';
import { startSimulator } from '@backupchecks/autotask-simulator';
import { systemActor } from '../src/services/accounts/audit.ts';
import { refreshAllMappings } from '../src/services/mapping/map-customer.ts';
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
    // The zone is cached for hours in normal operation; look it up before measuring.
    await client.getZone();
    sim.state.clearRequestLog();
    sim.faults.setLatency(LATENCY_MS);

    let sqlStatements = 0;
    scratch.database.prisma.$on('query' as never, () => {
      sqlStatements += 1;
    });
    const started = performance.now();
    const summary = await refreshAllMappings({ db, client }, systemActor);
    const wallMs = performance.now() - started;
    return {
      mappings: MAPPINGS,
      requests: sim.requestLog.length,
      wallMs,
      sqlStatements,
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
  const met = f.requests <= TARGET_REQUESTS && f.wallMs < TARGET_MS;
  console.log(
    `\n${title}\n` +
      `  Autotask requests: ${f.requests} (target ≤ ${TARGET_REQUESTS})\n` +
      `  wall time:         ${(f.wallMs / 1000).toFixed(2)} s (target < ${TARGET_MS / 1000} s)\n` +
      `  SQL statements:    ${f.sqlStatements}\n` +
      `  result:            ${f.checked} checked, ${f.renamed} renamed, ${f.invalid} invalid, ${f.errors} errors\n` +
      `  target ${met ? 'met' : 'MISSED'}`,
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
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  report(await measureCompanySync());
}
