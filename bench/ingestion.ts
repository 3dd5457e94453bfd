/**
 * Run ingestion through the token API (POST /api/v1/runs): 1,000 runs of 10 objects each, 4 in
 * flight, as a mail parser or RMM script catching up would send them. Prints the total time and
 * runs per second, and server time and SQL statements per run. The runs go to the data set's
 * existing jobs (the newest 250), each with its own externalId; they are deleted afterwards, so
 * the other bench modules see the database as it was.
 */
import { createApiToken } from '../src/services/accounts/api-tokens.ts';
import type { BenchRequest, Measurement } from './support/harness.ts';
import type { BenchContext } from './support/types.ts';

export const title = 'Run ingestion (POST /api/v1/runs with an API token)';
/** No per-request target: the target is for the whole batch. */
export const targetP95Ms = null;
export const targetTotalMs = 10_000;

const runs = 1_000;
const objectsPerRun = 10;
const concurrency = 4;
const warmup = 20;

export async function run(ctx: BenchContext): Promise<Measurement[]> {
  const prisma = ctx.harness.database.prisma;
  const admin = await prisma.user.create({
    data: {
      email: `bench-ingestion-${ctx.dataset}-${Date.now()}@example.com`,
      name: 'Bench ingestion',
      role: 'admin',
      passwordHash: 'not used: this user never signs in',
    },
  });
  const { token, record } = await createApiToken(prisma, admin, `Bench ingestion (${ctx.dataset})`);
  const jobs = await prisma.job.findMany({
    select: { name: true, backupSoftware: true, backupType: true, customer: { select: { name: true } } },
    orderBy: { id: 'desc' },
    take: 250,
  });
  const prefix = `bench-ingestion-${ctx.dataset}-${Date.now()}-`;
  const now = Date.now();
  const request = (i: number): BenchRequest => {
    const job = jobs[i % jobs.length]!;
    const objects = Array.from({ length: objectsPerRun }, (_, n) => {
      const status = (i + n) % 17 === 0 ? 'warning' : 'success';
      return {
        name: `${job.name.slice(0, 12).toUpperCase()}-OBJ${String(n + 1).padStart(2, '0')}`,
        type: 'VM',
        status,
        message:
          status === 'warning'
            ? 'Changed block tracking is disabled for this VM; the disks were read in full.'
            : `Processed ${(10 + ((i * 7 + n) % 90)).toFixed(1)} GB in 00:${String(10 + (n % 40)).padStart(2, '0')}:00.`,
      };
    });
    return {
      method: 'POST',
      path: '/api/v1/runs',
      headers: { authorization: `Bearer ${token}` },
      json: {
        customer: job.customer.name,
        job: { name: job.name, backupSoftware: job.backupSoftware, backupType: job.backupType },
        runAt: new Date(now - (runs + warmup - i) * 60_000).toISOString(),
        status: objects.some((o) => o.status === 'warning') ? 'warning' : 'success',
        remark: null,
        objects,
        externalId: `${prefix}${i}`,
      },
    };
  };
  try {
    // Warm-up (compiled paths, pool connections), not measured.
    await ctx.harness.send(
      'warm-up',
      Array.from({ length: warmup }, (_, i) => request(i)),
      { concurrency, expectStatus: 201 },
    );
    const measured = Array.from({ length: runs }, (_, i) => request(warmup + i));
    return [
      await ctx.harness.send(
        `${runs.toLocaleString('en')} runs × ${objectsPerRun} objects, ${concurrency} in flight`,
        measured,
        { concurrency, expectStatus: 201 },
      ),
    ];
  } finally {
    await prisma.run.deleteMany({ where: { externalId: { startsWith: prefix } } });
    await prisma.apiToken.delete({ where: { id: record.id } });
  }
}
