import type { BenchContext } from './support/types.ts';

export const title = 'Run Checks page (GET /run-checks)';

/**
 * The operator's first page of the day, and filtered pages. The same pages are measured on the
 * demo set and the large set: equal query counts on both show there is no per-row query (N+1).
 */
export async function run(ctx: BenchContext) {
  const cookie = await ctx.signIn('operator');
  const acme = await ctx.harness.database.prisma.customer.findUniqueOrThrow({ where: { nameKey: 'acme dental' } });
  const options = { cookie, requests: ctx.requests };
  return [
    await ctx.harness.measure('first page', '/run-checks', options),
    await ctx.harness.measure('filtered: status=error, q=usb', '/run-checks?status=error&q=usb', options),
    // Search alone: every unreviewed run is in view, so the objects are searched in one pass.
    await ctx.harness.measure('search only: q=usb', '/run-checks?q=usb', options),
    await ctx.harness.measure(
      'filtered: one customer, incl. reviewed',
      `/run-checks?customer=${acme.id}&reviewed=on`,
      options,
    ),
    await ctx.harness.measure('second page', '/run-checks?page=2', options),
    // The ticket filter is a condition on the same statements: the count must not change.
    await ctx.harness.measure('filtered: ticket=none', '/run-checks?ticket=none', options),
  ];
}
