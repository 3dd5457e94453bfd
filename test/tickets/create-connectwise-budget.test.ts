import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COMPANY, startConnectWiseSimulator, type ConnectWiseSimulator } from '@backupchecks/connectwise-simulator';
import type { BuiltApp } from '../../src/app.ts';
import { getIntegrationSettings, SETTINGS_ID } from '../../src/services/integration/settings.ts';
import { settleDeferredWork } from '../../src/shared/deferred-work.ts';
import { buildTestApp, csrfFrom, signInAs, type Agent } from '../support/app.ts';
import { createTestDatabase, resetData, type TestDatabase } from '../support/db.ts';
import { makeCustomerWithRun } from '../support/fixtures.ts';
import { countStatements, type RequestStatements } from '../support/statement-count.ts';
import { configureConnectWise, TICKET_DEFAULTS } from '../integration/connectwise/helpers.ts';

/**
 * "Create ticket" with ConnectWise active: the settings rows the POST reads. The run link's base
 * URL is saved on the IntegrationSettings row whichever PSA is active; the request has read that
 * row already, so the create takes the base URL from it instead of reading the row again.
 */

const BASE_URL = 'https://backupchecks.example.com';

let db: TestDatabase;
let sim: ConnectWiseSimulator;
let built: BuiltApp;
let counter: ReturnType<typeof countStatements>;
let agent: Agent;
let csrf: string;

beforeAll(async () => {
  db = await createTestDatabase({ logQueries: true });
  sim = await startConnectWiseSimulator();
  built = buildTestApp(db, {}, { connectwiseSiteOrigin: sim.siteUrl });
  counter = countStatements(db, built.app);
});
afterAll(async () => {
  await built?.close();
  await sim?.close();
  await db?.close();
});
beforeEach(async () => {
  await settleDeferredWork();
  await resetData(db);
  sim.reset();
  await configureConnectWise(db, sim, {
    ...TICKET_DEFAULTS,
    // As in use: only failed calls make a log row (a statement of its own).
    apiLogLevel: 'errors',
  });
  // The installation's base URL, on the row every installation has (Autotask's, switched off).
  await getIntegrationSettings(db.prisma);
  await db.prisma.integrationSettings.update({ where: { id: SETTINGS_ID }, data: { baseUrl: BASE_URL } });
  ({ agent, csrf } = await signInThroughCounter());
});

async function signInThroughCounter() {
  const { agent: signedIn } = await signInAs(
    (req: IncomingMessage, res: ServerResponse) => counter.handler(req, res),
    db,
    'operator',
  );
  const page = await signedIn.get('/run-checks');
  await settleDeferredWork();
  return { agent: signedIn, csrf: csrfFrom(page.text) };
}

/** The POST of a click on "Create ticket" for a new run mapped to a ConnectWise company. */
async function post(companyId: number) {
  const { run, customer } = await makeCustomerWithRun(db, { companyId: null, status: 'error' });
  await db.prisma.companyMapping.update({
    where: { customerId: customer.id },
    data: { psaType: 'connectwise', companyId, companyName: 'Acme', status: 'ok', mappedAt: new Date() },
  });
  await settleDeferredWork();
  const posted = await agent
    .post(`/runs/${run.id}/ticket`)
    .type('form')
    .send({ _csrf: csrf, returnTo: `/runs/${run.id}` });
  expect(posted.status).toBe(302);
  await settleDeferredWork();
  return { run, statements: counter.last('POST', `/runs/${run.id}/ticket`) };
}

const listed = (r: RequestStatements) => `\n${r.statements.map((s) => `  ${s.slice(0, 160)}`).join('\n')}`;
const reads = (r: RequestStatements, table: string) =>
  r.statements.filter((s) => new RegExp(`FROM "public"\\."${table}"`).test(s));

describe('Create ConnectWise ticket: the settings rows the POST reads', () => {
  it('takes the run link from the settings row the request read, and reads ConnectWise settings once', async () => {
    const companies = Object.values(COMPANY) as number[];
    // The first click warms the app's caches; the counts are for every click.
    await post(companies[0]!);
    const { run, statements } = await post(companies[1]!);

    const row = await db.prisma.ticket.findUniqueOrThrow({ where: { originRunId: run.id } });
    expect(row).toMatchObject({ psaType: 'connectwise', state: 'created' });
    const description = sim.state.notes.find((n) => n.ticketId === row.ticketId && n.detailDescriptionFlag);
    expect(description?.text).toContain(`${BASE_URL}/runs/${run.id}`);

    expect(reads(statements, 'ConnectWiseSettings'), listed(statements)).toHaveLength(1);
    // No read of its own for the base URL: the row the request read for the active PSA has it.
    expect(
      reads(statements, 'IntegrationSettings').filter((s) => !/"IntegrationSettings"\."enabled"/.test(s)),
      listed(statements),
    ).toHaveLength(0);
  });

  it("finds the active PSA from Autotask's row when the caller has it, without reading it again", async () => {
    const row = await getIntegrationSettings(db.prisma);
    // Only the statements of the call itself (not of background work running meanwhile).
    const scope = new AsyncLocalStorage<string[]>();
    db.prisma.$on('query' as never, (e: { query: string }) => {
      scope.getStore()?.push(e.query);
    });
    const sentFor = async (task: () => Promise<unknown>) => {
      const sent: string[] = [];
      await scope.run(sent, task);
      return sent;
    };
    const withRow = await sentFor(async () =>
      expect((await built.context.psa.active(db.prisma, row)).psa).toBe('connectwise'),
    );
    const without = await sentFor(async () =>
      expect((await built.context.psa.active(db.prisma)).psa).toBe('connectwise'),
    );

    expect(withRow.filter((s) => /"IntegrationSettings"/.test(s))).toHaveLength(0);
    expect(withRow.filter((s) => /"ConnectWiseSettings"/.test(s))).toHaveLength(1);
    expect(without.filter((s) => /"IntegrationSettings"/.test(s))).toHaveLength(1);
  });
});
