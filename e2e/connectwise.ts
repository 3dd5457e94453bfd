import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { boot, type Running } from '../src/boot.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { adminCredentials, signIn, step, type Harness } from './harness.ts';
import type { Journey } from './journeys.ts';
import { people, showRunsOf } from './people.ts';

/**
 * ConnectWise PSA, walked by visible labels: a second app on its own embedded database, started
 * as the demo with DEMO_PSA=connectwise, so it runs the ConnectWise simulator
 * (packages/connectwise-simulator), sets the integration up against it, maps the demo customers
 * and calls the simulator's origin instead of the cloud (src/services/demo/connectwise-simulator.ts).
 * The first app stays on Autotask: one PSA is active per installation.
 */

async function startConnectWiseApp(): Promise<{ app: Running; close(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bc-e2e-cw-'));
  const config = loadConfig({
    NODE_ENV: 'development',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    BCRYPT_COST: '4',
    ADMIN_EMAIL: adminCredentials.email,
    ADMIN_PASSWORD: adminCredentials.password,
    DEMO_DATA: 'true',
    DEMO_PSA: 'connectwise',
    // A free port: a developer's `npm start` may hold the default one.
    CONNECTWISE_SIMULATOR_PORT: '0',
    DATA_DIR: dataDir,
  });
  const app = await boot(config, createLogger(config.logLevel)).catch(async (e: unknown) => {
    await fs.promises.rm(dataDir, { recursive: true, force: true });
    throw e;
  });
  return {
    app,
    async close() {
      await app.close();
      await fs.promises.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A person on the ConnectWise app, watched like harness.ts watches the others. */
async function personOn(h: Harness, contexts: BrowserContext[], app: Running, name: string): Promise<Page> {
  const context = await h.browser.newContext({ baseURL: app.url ?? undefined, viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') h.problems.push(`[${name}] console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => h.problems.push(`[${name}] page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    if (req.failure()?.errorText === 'net::ERR_ABORTED') return;
    h.problems.push(`[${name}] request failed: ${req.method()} ${req.url()} ${req.failure()?.errorText ?? ''}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 500)
      h.problems.push(`[${name}] HTTP ${res.status()} for ${res.request().method()} ${res.url()}`);
  });
  return page;
}

/** A demo customer mapped to a ConnectWise company that has an unreviewed error run without a ticket. */
async function mappedCustomerWithError(app: Running): Promise<number> {
  const run = await app.database.prisma.run.findFirstOrThrow({
    where: {
      status: 'error',
      reviewedAt: null,
      ticketRecordId: null,
      job: { customer: { mapping: { psaType: 'connectwise', status: 'ok' } } },
    },
    select: { job: { select: { customerId: true } } },
  });
  return run.job.customerId;
}

async function adminTestsConnection(admin: Page): Promise<void> {
  await step(admin, 'ConnectWise: admin signs in', () =>
    signIn(admin, adminCredentials.email, adminCredentials.password),
  );
  await step(admin, 'ConnectWise: open Settings, ConnectWise', async () => {
    await admin.getByRole('link', { name: 'Settings' }).first().click();
    await admin.getByRole('link', { name: 'ConnectWise' }).first().click();
    await admin.getByRole('heading', { name: 'ConnectWise', level: 1 }).waitFor();
  });
  await step(admin, 'ConnectWise: test connection succeeds', async () => {
    await admin.getByRole('button', { name: 'Test connection' }).click();
    await admin.getByRole('heading', { name: /^Test connection: / }).waitFor();
    const text = await admin.locator('#connection-test').innerText();
    assert.match(text, /Test connection: succeeded/, `the connection test failed:\n${text}`);
    assert.ok(!text.includes('✗'), `a connection step failed:\n${text}`);
  });
  await step(admin, 'ConnectWise: add operator', async () => {
    const p = people.operator;
    await admin.getByRole('link', { name: 'Users' }).click();
    await admin.getByLabel('Name', { exact: true }).fill(p.name);
    await admin.getByLabel('E-mail address').fill(p.email);
    await admin.getByLabel('Role', { exact: true }).selectOption(p.role);
    await admin.getByLabel('Initial password').fill(p.password);
    await admin.getByRole('button', { name: 'Add user' }).click();
    await admin.getByText(`Added ${p.email} as ${p.role}.`).waitFor();
  });
}

async function operatorCreatesTicket(app: Running, op: Page): Promise<void> {
  const customerId = await mappedCustomerWithError(app);
  await signIn(op, people.operator.email, people.operator.password);
  const run = op
    .locator('section.run.run-error')
    .filter({ has: op.getByRole('button', { name: /Create ConnectWise ticket/ }) })
    .first();
  let runId = 0;
  await step(op, 'ConnectWise: Run Checks, errors of a mapped customer', async () => {
    await op.goto(`/run-checks?customer=${customerId}&status=error`);
    await showRunsOf(op, op.locator('tbody[data-job-row]').first());
    await run.waitFor();
    runId = Number((await run.getAttribute('id'))!.replace('run-', ''));
  });
  await step(op, 'ConnectWise: create ticket, Open ticket with its number', async () => {
    const section = op.locator(`#run-${runId}`);
    await section.getByRole('button', { name: /Create ConnectWise ticket/ }).click();
    const link = op.locator(`#run-${runId}`).getByRole('link', { name: /^Open ticket .* in ConnectWise/ });
    await link.waitFor();
    const stored = await app.database.prisma.ticket.findUniqueOrThrow({ where: { originRunId: runId } });
    assert.equal(stored.psaType, 'connectwise');
    assert.ok(stored.ticketNumber, 'the ticket number is stored');
    const name = (await link.innerText()).trim();
    assert.ok(name.startsWith(`Open ticket ${stored.ticketNumber}`), `the link shows the number: ${name}`);
    assert.equal(stored.state, 'created');
  });
}

export const connectWiseTickets: Journey = {
  name: 'ConnectWise: admin tests the connection, operator creates a ticket',
  async run(h) {
    const started = await startConnectWiseApp();
    const contexts: BrowserContext[] = [];
    try {
      await adminTestsConnection(await personOn(h, contexts, started.app, 'cw-admin'));
      await operatorCreatesTicket(started.app, await personOn(h, contexts, started.app, 'cw-operator'));
    } finally {
      for (const c of contexts) await c.close().catch(() => undefined);
      await started.close();
    }
  },
};
