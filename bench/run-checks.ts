import type { BenchContext } from './support/types.ts';

export const title = 'Run Checks page (GET /run-checks)';
/** The product target for every Run Checks request on the large set (with its history). */
export const targetP95Ms = 50;

/**
 * The term of the text-search requests: it matches some but not most unreviewed runs (about one
 * in six on the large set: the jobs with a USB disk among their objects).
 */
const searchTerm = 'usb';

/**
 * The operator's first page of the day, the next page, and filtered pages. The same pages are
 * measured on the demo set and the large set: equal statement counts on both show there is no
 * per-row query (N+1).
 */
export async function run(ctx: BenchContext) {
  const cookie = await ctx.signIn('operator');
  const customerId = await busiestCustomer(ctx);
  const options = { cookie, requests: ctx.requests };
  const measure = (label: string, path: string) => ctx.harness.measure(label, path, options);
  return [
    await measure('first page', '/run-checks'),
    await measure('second page', '/run-checks?page=2'),
    await measure('one customer', `/run-checks?customer=${customerId}`),
    await measure('status filter: error', '/run-checks?status=error'),
    await measure(`text search alone: q=${searchTerm}`, `/run-checks?q=${searchTerm}`),
    await measure(`combined: status=error, q=${searchTerm}`, `/run-checks?status=error&q=${searchTerm}`),
    // The ticket filter is a condition on the same statements: the count must not change.
    await measure('ticket filter: none', '/run-checks?ticket=none'),
    // With reviewed runs the customer's history is in view too (100 days of it on the large set).
    await measure('one customer, reviewed included', `/run-checks?customer=${customerId}&reviewed=on`),
  ];
}

/** The customer with the most unreviewed runs: a large-set customer once that set is in. */
async function busiestCustomer(ctx: BenchContext): Promise<number> {
  const [row] = await ctx.harness.database.sql.query<{ customerId: number }>(
    `SELECT j."customerId" FROM "Run" r JOIN "Job" j ON j.id = r."jobId"
     WHERE r."reviewedAt" IS NULL GROUP BY j."customerId" ORDER BY count(*) DESC, j."customerId" LIMIT 1`,
  );
  if (!row) throw new Error('The bench needs unreviewed runs: seed the demo set first.');
  return row.customerId;
}
