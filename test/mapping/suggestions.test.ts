import { beforeEach, describe, expect, it } from 'vitest';
import { addCustomer, companyRequests, mappingOf, useMappingSuite } from './helpers.ts';

const suite = useMappingSuite({ warmZone: true });
const { ctx, simCtx } = suite;
const ids: Record<string, number> = {};

beforeEach(async () => {
  // Against the simulator's demo companies (see its seed data).
  await addCustomer(ctx.db, 'Northwind', { companyId: 112, companyName: 'Northwind Traders' });
  for (const name of [
    'Contoso', // 105 Contoso B.V. exact; 106 Contoso Holding close; 107 Contoso Ltd inactive
    'Riverside Medical Center', // 116 exact; 115 "Centre" close
    'Tailspin Toys B.V.', // 117 exact; 118 Tailspin Toys Europe close
    'Greenfield School', // 110 Greenfield Schools and 111 Greenfield School District: close only
    'Acme Dental', // 100 is exact for both Acme customers: ambiguous
    'ACME DENTAL B.V.',
    'Northwind Traders B.V.', // 112 would be exact, but it is mapped to Northwind already
    'Zebra Unknown Co', // nothing
  ]) {
    ids[name] = (await addCustomer(ctx.db, name)).id;
  }
});

const pairsOn = (html: string) => [...html.matchAll(/name="pair" value="(\d+:\d+)"/g)].map((m) => m[1]!);
/** The suggestion rows of one customer: [company id, match kind]. */
function rowsOf(html: string, customer: string): Array<[number, string]> {
  const start = html.indexOf(`>${customer}</a></th>`);
  if (start < 0) return [];
  const next = html.indexOf('<th scope="rowgroup"', start + 1);
  const block = html.slice(start, next < 0 ? html.indexOf('</tbody>', start) : next);
  return [...block.matchAll(/<td class="num">(\d+)<\/td>[\s\S]*?class="badge match-(exact|close)"/g)].map((m) => [
    Number(m[1]),
    m[2]!,
  ]);
}

describe('mapping suggestions', () => {
  it('proposes exact and close matches, one search per distinct term, and applies nothing', async () => {
    const res = await suite.admin.agent.get('/customers/mappings/suggestions');
    expect(res.status).toBe(200);

    expect(rowsOf(res.text, 'Contoso')).toEqual([
      [105, 'exact'],
      [106, 'close'],
    ]);
    expect(rowsOf(res.text, 'Riverside Medical Center')).toEqual([
      [116, 'exact'],
      [115, 'close'],
    ]);
    expect(rowsOf(res.text, 'Tailspin Toys B.V.')).toEqual([
      [117, 'exact'],
      [118, 'close'],
    ]);
    expect(rowsOf(res.text, 'Greenfield School').map(([, k]) => k)).toEqual(['close', 'close']);
    expect(rowsOf(res.text, 'Acme Dental')[0]).toEqual([100, 'exact']);
    expect(rowsOf(res.text, 'ACME DENTAL B.V.')[0]).toEqual([100, 'exact']);
    // A company mapped to another customer is never proposed.
    expect(rowsOf(res.text, 'Northwind Traders B.V.')).toEqual([]);
    expect(rowsOf(res.text, 'Zebra Unknown Co')).toEqual([]);

    // "Confirm all exact" holds only unambiguous exact matches.
    expect(pairsOn(res.text).sort()).toEqual(
      [`${ids['Contoso']}:105`, `${ids['Riverside Medical Center']}:116`, `${ids['Tailspin Toys B.V.']}:117`].sort(),
    );
    expect(res.text).toContain('Confirm all 3 exact matches');

    // 8 unmapped customers, 7 distinct search terms ("Dental" serves both Acme customers).
    const requests = companyRequests(simCtx.sim);
    expect(requests).toHaveLength(7);
    expect(requests.every((r) => r.method === 'POST' && r.path.endsWith('/Companies/query'))).toBe(true);
    expect(res.text).toContain('looked at 8 of them (7 Autotask searches)');

    // Nothing without confirmation.
    expect(await ctx.db.prisma.companyMapping.count()).toBe(1);
    expect(await ctx.db.prisma.auditEvent.count({ where: { action: { startsWith: 'mapping.' } } })).toBe(0);
  });

  it('confirm-exact maps only the exact ones, even when a close pair is slipped in', async () => {
    const page = await suite.admin.agent.get('/customers/mappings/suggestions');
    const pairs = [...pairsOn(page.text), `${ids['Greenfield School']}:110`];
    simCtx.sim.state.clearRequestLog();

    const res = await suite.admin.agent
      .post('/customers/mappings/suggestions/confirm-exact')
      .type('form')
      .send({ _csrf: suite.admin.csrf, pair: pairs });
    expect(res.status).toBe(302);
    // One batched read verifies every pair.
    expect(companyRequests(simCtx.sim)).toHaveLength(1);

    expect(await mappingOf(ctx.db, ids['Contoso']!)).toMatchObject({
      companyId: 105,
      companyName: 'Contoso B.V.',
      status: 'ok',
    });
    expect(await mappingOf(ctx.db, ids['Riverside Medical Center']!)).toMatchObject({ companyId: 116 });
    expect(await mappingOf(ctx.db, ids['Tailspin Toys B.V.']!)).toMatchObject({ companyId: 117 });
    expect(await mappingOf(ctx.db, ids['Greenfield School']!)).toBeNull();
    expect(await mappingOf(ctx.db, ids['Acme Dental']!)).toBeNull();
    // Customer names stay as they were.
    expect((await ctx.db.prisma.customer.findUniqueOrThrow({ where: { id: ids['Contoso']! } })).name).toBe('Contoso');

    const bulk = await ctx.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'mapping.bulk_confirmed' } });
    expect(bulk.details).toMatchObject({ mapped: 3, skipped: 1 });
    expect(await ctx.db.prisma.auditEvent.count({ where: { action: 'mapping.mapped' } })).toBe(3);

    const after = await suite.admin.agent.get('/customers/mappings/suggestions');
    expect(after.text).toContain('Mapped 3 customers to their exactly matching Autotask company.');
    expect(after.text).toContain('Greenfield Schools is not an exact match for Greenfield School.');
    expect(rowsOf(after.text, 'Contoso')).toEqual([]);
  });

  it('confirms one suggestion, close ones included, and refuses a company mapped meanwhile', async () => {
    const ok = await suite.admin.agent
      .post('/customers/mappings/suggestions/confirm')
      .type('form')
      .send({ _csrf: suite.admin.csrf, customerId: String(ids['Greenfield School']), companyId: '110' });
    expect(ok.status).toBe(302);
    expect(await mappingOf(ctx.db, ids['Greenfield School']!)).toMatchObject({ companyId: 110, status: 'ok' });
    const event = await ctx.db.prisma.auditEvent.findFirstOrThrow({ where: { action: 'mapping.mapped' } });
    expect(event.details).toMatchObject({ source: 'suggestion' });

    const clash = await suite.admin.agent
      .post('/customers/mappings/suggestions/confirm')
      .type('form')
      .send({ _csrf: suite.admin.csrf, customerId: String(ids['Northwind Traders B.V.']), companyId: '112' });
    expect(clash.status).toBe(302);
    expect(await mappingOf(ctx.db, ids['Northwind Traders B.V.']!)).toBeNull();
    const page = await suite.admin.agent.get(clash.headers.location!);
    expect(page.text).toContain(
      'The suggestion was not applied. Northwind Traders (ID 112) is already mapped to customer Northwind.',
    );
  });

  it.each(['2147483648:105', `${'9'.repeat(10)}:105`, '0:105', '1:2147483648'])(
    'confirm-exact refuses the pair %s (no id a column can hold) with a message, not a failure',
    async (pair) => {
      const res = await suite.admin.agent
        .post('/customers/mappings/suggestions/confirm-exact')
        .type('form')
        .send({ _csrf: suite.admin.csrf, pair: [`${ids['Contoso']}:105`, pair] });
      expect(res.status).toBe(302);
      const page = await suite.admin.agent.get(res.headers.location!);
      expect(page.text).toContain('No suggestion was applied. Each suggestion is a customer ID and a company ID.');
      expect(await mappingOf(ctx.db, ids['Contoso']!)).toBeNull();
    },
  );
});
