/**
 * `npm run bench`: seeds a scratch database, serves the app on loopback and runs every bench
 * module in this folder (each bench/*.ts but this file; `npm run bench -- <name> …` for some of
 * them) first on the demo data set, then on the large one. Prints server time (median, p95), the
 * app's CPU time and SQL statements per request, and writes the figures to
 * bench/output/results.json. A benchmark, not a test: it never fails on a figure.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { seedLargeData } from '../src/services/demo/large-data.ts';
import { seedDemoData } from '../src/services/demo/seed-demo-data.ts';
import { startHarness, type Measurement } from './support/harness.ts';
import { openScratchDatabase } from './support/scratch-db.ts';
import type { BenchContext, BenchModule } from './support/types.ts';

const defaultTargetP95Ms = 150;
const here = import.meta.dirname;

// `npm run bench -- run-checks` runs only the named modules.
const only = process.argv.slice(2);
const files = fs
  .readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.ts$/, '')))
  .sort();
const modules: Array<BenchModule & { file: string }> = [];
for (const file of files) {
  const mod = (await import(pathToFileURL(path.join(here, file)).href)) as BenchModule;
  modules.push({
    file,
    title: mod.title,
    targetP95Ms: mod.targetP95Ms === undefined ? defaultTargetP95Ms : mod.targetP95Ms,
    ...(mod.targetTotalMs === undefined ? {} : { targetTotalMs: mod.targetTotalMs }),
    run: mod.run,
  });
}

const benchStarted = Date.now();
const scratch = await openScratchDatabase();
console.log(`Database: ${scratch.label}`);
const now = new Date();
const results: Record<string, { demo?: Measurement[]; large?: Measurement[] }> = {};
const harness = await startHarness(scratch.database);
try {
  const demo = await seedDemoData(scratch.database.prisma, { now });
  console.log(`Seeded the demo set: ${demo.customers} customers, ${demo.jobs} jobs, ${demo.runs} runs.`);
  await runAll('demo', 20);

  const started = Date.now();
  const large = await seedLargeData(scratch.database.prisma, { now });
  console.log(
    `Seeded the large set in ${((Date.now() - started) / 1000).toFixed(1)} s: ${large.customers} customers, ` +
      `${large.jobs} jobs, ${large.runs} runs (${large.unreviewed} unreviewed, ${large.reviewed} reviewed), ` +
      `${large.objects} objects.`,
  );
  await scratch.database.sql.exec('ANALYZE');
  await runAll('large', 50);

  for (const m of modules) printTable(m, results[m.file]!);
  fs.mkdirSync(path.join(here, 'output'), { recursive: true });
  fs.writeFileSync(
    path.join(here, 'output', 'results.json'),
    JSON.stringify({ at: now.toISOString(), database: scratch.label, results }, null, 2),
  );
  console.log(`\nBench wall time: ${((Date.now() - benchStarted) / 1000).toFixed(0)} s.`);
} finally {
  await harness.close();
  await scratch.drop();
}

async function runAll(dataset: BenchContext['dataset'], requests: number) {
  const ctx: BenchContext = { harness, dataset, requests, signIn: (role) => harness.signIn(role) };
  for (const m of modules) {
    (results[m.file] ??= {})[dataset] = await m.run(ctx);
  }
}

function printTable(
  { title, file, targetP95Ms, targetTotalMs }: BenchModule & { file: string },
  r: { demo?: Measurement[]; large?: Measurement[] },
) {
  const rows = [['data set', 'request', 'n', 'median ms', 'p95 ms', 'app CPU ms', 'SQL/request', 'status']];
  for (const dataset of ['demo', 'large'] as const) {
    for (const m of r[dataset] ?? []) {
      const q = m.queriesMin === m.queriesMax ? String(m.queriesMin) : `${m.queriesMin}–${m.queriesMax}`;
      const cpu = m.cpuMedianMs === undefined ? '' : m.cpuMedianMs.toFixed(1);
      rows.push([
        dataset,
        m.label,
        String(m.requests),
        m.medianMs.toFixed(1),
        m.p95Ms.toFixed(1),
        cpu,
        q,
        String(m.status),
      ]);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  console.log(`\n${title} (bench/${file})`);
  for (const [i, row] of rows.entries()) {
    console.log(row.map((cell, c) => (c >= 2 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  for (const dataset of ['demo', 'large'] as const) {
    for (const m of r[dataset] ?? []) {
      if (m.totalMs === undefined) continue;
      const seconds = m.totalMs / 1000;
      console.log(
        `${dataset}, ${m.label}: ${m.requests.toLocaleString('en')} requests in ${seconds.toFixed(2)} s ` +
          `(${(m.requests / seconds).toFixed(0)} per second)` +
          (targetTotalMs === undefined
            ? ''
            : `, target under ${targetTotalMs / 1000} s ${m.totalMs < targetTotalMs ? 'met' : 'missed'}`),
      );
    }
  }
  const large = r.large ?? [];
  if (typeof targetP95Ms === 'number') {
    const slow = large.filter((m) => m.p95Ms >= targetP95Ms);
    console.log(
      slow.length
        ? `p95 target ${targetP95Ms} ms: missed by ${slow.map((m) => m.label).join(', ')}`
        : `p95 target ${targetP95Ms} ms on the large set: met`,
    );
  }
  const varying = large.filter((m) => {
    const small = r.demo?.find((d) => d.label === m.label);
    return !small || small.queriesMax !== m.queriesMax || m.queriesMin !== m.queriesMax;
  });
  console.log(
    varying.length
      ? `SQL statements per request differ between data sets for: ${varying.map((m) => m.label).join(', ')}`
      : 'SQL statements per request: the same on the demo and the large set (no N+1)',
  );
}
