import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import {
  accessibilityViolations,
  adminCredentials,
  docsDir,
  outputDir,
  signIn,
  step,
  type Harness,
} from './harness.ts';
import { connectWiseTickets } from './connectwise.ts';
import { morningReview } from './morning-review.ts';
import { customerName, people, showRunsOf } from './people.ts';

/**
 * The browser journeys, walked by visible labels as each role would. They share one app and
 * one simulator and run in order: the admin sets up what the operator then uses.
 */
export interface Journey {
  readonly name: string;
  run(h: Harness): Promise<void>;
}

const renamedCompany = 'Acme Dental Group B.V.';
let admin: Page;
let acmeRunChecksUrl = '';

async function customerId(h: Harness, name: string): Promise<number> {
  const c = await h.app.database.prisma.customer.findFirstOrThrow({ where: { name } });
  return c.id;
}

/**
 * The time-entry count behind "Resolve ticket" is cached for up to 60 s (src/services/tickets/time-entry-gate.ts). Rather than
 * sleep a minute, the journey ages the cache as if that minute had passed.
 */
async function ageTimeEntryCache(h: Harness): Promise<void> {
  await h.app.database.prisma.ticket.updateMany({
    data: { timeEntriesCheckedAt: new Date(Date.now() - 5 * 60_000) },
  });
}

function ticketsWithReference(h: Harness): number {
  return h.sim.state.tickets.filter((t) => typeof t.externalID === 'string' && t.externalID.length > 0).length;
}

const adminSetsUp: Journey = {
  name: 'Admin: sign in, users, Autotask settings, test connection',
  async run(h) {
    admin = await h.person('admin');
    await step(admin, 'login page', async () => {
      await admin.goto('/login');
      await admin.getByRole('heading', { name: 'Sign in' }).waitFor();
    });
    await step(
      admin,
      'wrong password is refused',
      async () => {
        await admin.getByLabel('E-mail address').fill(adminCredentials.email);
        await admin.getByLabel('Password').fill('not the password');
        await admin.getByRole('button', { name: 'Sign in' }).click();
        await admin.getByText('E-mail address or password is not correct.').waitFor();
      },
      { allowStatus: [401] },
    );
    await step(admin, 'admin signs in', () => signIn(admin, adminCredentials.email, adminCredentials.password));

    for (const p of Object.values(people)) {
      await step(admin, `add ${p.role}`, async () => {
        await admin.getByRole('link', { name: 'Users' }).click();
        await admin.getByLabel('Name', { exact: true }).fill(p.name);
        await admin.getByLabel('E-mail address').fill(p.email);
        await admin.getByLabel('Role', { exact: true }).selectOption(p.role);
        await admin.getByLabel('Initial password').fill(p.password);
        await admin.getByRole('button', { name: 'Add user' }).click();
        await admin.getByText(`Added ${p.email} as ${p.role}.`).waitFor();
      });
    }

    await step(admin, 'open Settings, Extensions & Integrations, Autotask', async () => {
      await admin.getByRole('link', { name: 'Settings' }).first().click();
      await admin.getByRole('link', { name: 'Autotask' }).first().click();
      await admin.getByRole('heading', { name: 'Autotask', level: 1 }).waitFor();
    });
    await step(admin, 'enter credentials and test the connection', async () => {
      await admin.getByLabel('Enable the Autotask integration').check();
      await admin.getByLabel('Sandbox').check();
      await admin.getByLabel('API username').fill(h.sim.credentials.username);
      await admin.getByLabel('API secret').fill(h.sim.credentials.secret);
      await admin.getByLabel('API tracking identifier').fill(h.sim.credentials.integrationCode);
      await admin.getByRole('button', { name: 'Test connection' }).click();
      await admin
        .locator('#connection-test')
        .getByText(/of 10,000 requests/)
        .first()
        .waitFor();
      const text = await admin.locator('#connection-test').innerText();
      assert.ok(!text.includes('✗'), `a connection step failed:\n${text}`);
    });
    await step(admin, 'save credentials, lists load from Autotask', async () => {
      await admin.getByLabel('API secret').fill(h.sim.credentials.secret);
      await admin.getByRole('button', { name: 'Save settings' }).click();
      await admin.getByText(/The lists were loaded from Autotask/).waitFor();
    });
    await step(admin, 'pick queue, priorities and status from the Autotask lists, save', async () => {
      await admin.getByLabel('Default queue').selectOption({ label: 'Monitoring Alerts' });
      await admin.getByLabel('Default issue type').selectOption({ label: 'Backup' });
      await admin.getByLabel('Default sub-issue type').selectOption({ label: 'Backup failed' });
      await admin.getByLabel('Priority for Error runs').selectOption({ label: 'High' });
      await admin.getByLabel('Priority for Warning runs').selectOption({ label: 'Medium' });
      await admin.getByLabel('Status of a new ticket').selectOption({ label: 'New' });
      await admin.getByLabel('Allow resolving tickets from Backupchecks').check();
      await admin.getByLabel('Note type of the closing note').selectOption({ index: 1 });
      await admin.getByRole('button', { name: 'Save settings' }).click();
      await admin.locator('.flash-success').first().waitFor();
      const saved = await h.app.database.prisma.integrationSettings.findUniqueOrThrow({ where: { id: 1 } });
      assert.equal(saved.enabled, true);
      assert.notEqual(saved.queueId, null);
      assert.notEqual(saved.priorityErrorId, null);
      assert.ok(!(await admin.content()).includes(h.sim.credentials.secret), 'the secret is never rendered');
    });
    saveForDocs('settings-autotask.png');
  },
};

const adminMaps: Journey = {
  name: 'Admin: map a customer, rename in Autotask, refresh',
  async run(h) {
    const id = await customerId(h, customerName);
    await step(admin, 'search the Autotask company of Acme Dental', async () => {
      await admin.getByRole('link', { name: 'Customers' }).first().click();
      await admin.getByRole('link', { name: `Map Autotask company of ${customerName}` }).click();
      await admin.getByLabel('Company name contains').fill('Acme');
      await admin.getByRole('button', { name: 'Search Autotask' }).click();
      await admin.getByText(/\d+ compan(y|ies) found/).waitFor();
    });
    await step(admin, 'map it: status ok', async () => {
      await admin.getByRole('button', { name: new RegExp(`^Map ${customerName} to ${customerName} \\(ID`) }).click();
      await admin.goto('/customers');
      const row = admin.getByRole('row').filter({ hasText: customerName });
      await row.locator('.badge.mapping-ok').waitFor();
    });
    const companyId = (await h.app.database.prisma.companyMapping.findUniqueOrThrow({ where: { customerId: id } }))
      .companyId!;
    h.sim.state.renameCompany(companyId, renamedCompany);
    await step(admin, 'renamed in Autotask, refresh: renamed, customer name unchanged', async () => {
      const row = admin.getByRole('row').filter({ hasText: customerName });
      await row.getByRole('button', { name: `Refresh mapping of ${customerName}` }).click();
      const refreshed = admin.getByRole('row').filter({ hasText: renamedCompany });
      await refreshed.locator('.badge.mapping-renamed').waitFor();
      assert.ok((await refreshed.innerText()).includes(customerName), 'the Backupchecks name is kept');
      const customer = await h.app.database.prisma.customer.findUniqueOrThrow({ where: { id } });
      assert.equal(customer.name, customerName);
    });
    saveForDocs('customers-mapping.png');
    acmeRunChecksUrl = `/run-checks?customer=${id}`;
  },
};

const operatorTickets: Journey = {
  name: 'Operator: create one ticket, resolve it only without time entries',
  async run(h) {
    const op = await h.person('operator');
    await signIn(op, people.operator.email, people.operator.password);
    const firstErrorRun = op.locator('section.run.run-error').first();
    let runId = 0;
    await step(op, 'Run Checks, Acme Dental errors', async () => {
      await op.goto(`${acmeRunChecksUrl}&status=error`);
      await showRunsOf(op, op.locator('tbody[data-job-row]').first());
      await firstErrorRun.waitFor();
      runId = Number((await firstErrorRun.getAttribute('id'))!.replace('run-', ''));
    });
    const run = op.locator(`#run-${runId}`);
    await step(op, 'click Create Autotask ticket twice quickly: one ticket', async () => {
      const before = ticketsWithReference(h);
      await run.getByRole('button', { name: /Create Autotask ticket/ }).dblclick();
      // The page after the click links by ticket id until the number, read back after the answer, is stored.
      await op
        .locator(`#run-${runId}`)
        .getByRole('link', { name: /Open ticket (T\d{8}\.\d{4}|ticket ID \d+)/ })
        .waitFor();
      assert.equal(ticketsWithReference(h), before + 1, 'exactly one ticket in Autotask');
      assert.equal(await h.app.database.prisma.ticket.count({ where: { originRunId: runId } }), 1);
    });
    const ticketRow = await h.app.database.prisma.ticket.findUniqueOrThrow({ where: { originRunId: runId } });
    await step(op, 'Open ticket points at the Autotask ticket', async () => {
      const href = await op
        .locator(`#run-${runId}`)
        .getByRole('link', { name: /Open ticket/ })
        .getAttribute('href');
      assert.equal(href, h.sim.ticketUrl(ticketRow.ticketId!));
    });
    saveForDocs('run-checks-tickets.png');

    h.sim.state.addTimeEntry(ticketRow.ticketId!, { billable: true });
    await ageTimeEntryCache(h);
    await step(op, 'time entry in Autotask: Resolve is disabled with the reason', async () => {
      await op.goto(`/runs/${runId}`);
      await op.getByRole('button', { name: 'Resolve ticket' }).waitFor();
      assert.equal(await op.getByRole('button', { name: 'Resolve ticket' }).isDisabled(), true);
      await op.getByText(/This ticket has 1 time entr(y|ies) in Autotask\. Resolve it in Autotask\./).waitFor();
    });

    h.sim.state.removeTimeEntries(ticketRow.ticketId!);
    await ageTimeEntryCache(h);
    await step(op, 'time entry removed: resolve, the fixed note is shown', async () => {
      await op.goto(`/runs/${runId}`);
      await op.getByRole('link', { name: /Resolve ticket/ }).click();
      await op
        .getByText('Ticket resolved via Backupchecks after verification that the backup issue is no longer present.')
        .first()
        .waitFor();
      await op.getByRole('button', { name: 'Resolve ticket' }).click();
      await op.locator('.flash-success').first().waitFor();
      const ticket = h.sim.state.tickets.find((t) => t.id === ticketRow.ticketId)!;
      assert.equal(ticket.status, 5, 'Complete in Autotask');
      const notes = h.sim.state.ticketNotes.filter((n) => n.ticketID === ticket.id);
      assert.equal(notes.length, 1);
      assert.equal(notes[0]!.publish, 2, 'internal note');
    });

    await step(op, 'Autotask failing: a clear message, and no duplicate after recovery', async () => {
      await op.goto(`${acmeRunChecksUrl}&status=error`);
      await showRunsOf(op, op.locator('tbody[data-job-row]').first());
      const other = op
        .locator('section.run.run-error')
        .filter({ has: op.getByRole('button', { name: /Create Autotask ticket/ }) })
        .first();
      const otherId = Number((await other.getAttribute('id'))!.replace('run-', ''));
      h.sim.faults.failNext({ count: 20, status: 503, body: 'empty', entity: 'Tickets' });
      await other.getByRole('button', { name: /Create Autotask ticket/ }).click();
      await op
        .locator('.flash')
        .filter({ hasText: /Autotask/ })
        .first()
        .waitFor();
      h.sim.faults.clear();
      const mine = () => h.sim.state.tickets.filter((t) => t.externalID?.startsWith(`BC-RUN-${otherId}-`) ?? false);
      for (let i = 0; i < 30; i++) {
        await op.goto(`/runs/${otherId}`);
        const retry = op.getByRole('button', { name: /Try again|Check Autotask and try again|Create Autotask ticket/ });
        if (await op.getByRole('link', { name: /Open ticket/ }).count()) break;
        if (await retry.count()) await retry.first().click();
        else await op.waitForTimeout(1000);
      }
      await op.getByRole('link', { name: /Open ticket/ }).waitFor();
      assert.equal(mine().length, 1, 'one ticket for the run after recovery');
    });
  },
};

const reporterLooks: Journey = {
  name: 'Reporter: sees ticket numbers and links, no actions',
  async run(h) {
    const rep = await h.person('reporter');
    await signIn(rep, people.reporter.email, people.reporter.password);
    await step(rep, 'reporter on Run Checks', async () => {
      await rep.goto(`${acmeRunChecksUrl}&reviewed=on`);
      const withTicket = rep
        .locator('tbody[data-job-row]')
        .filter({ has: rep.getByRole('link', { name: /T\d{8}\.\d{4}/ }) })
        .first();
      await showRunsOf(rep, withTicket);
      await rep
        .getByRole('link', { name: /Open ticket T\d{8}\.\d{4}/ })
        .first()
        .waitFor();
      const actions = [/Create Autotask ticket/, /Add to ticket/, /Link ticket/, /Resolve ticket/, /Mark as reviewed/];
      for (const action of [...actions, /Mark job as reviewed/]) {
        assert.equal(await rep.getByRole('button', { name: action }).count(), 0, `no ${action} for reporters`);
        assert.equal(await rep.getByRole('link', { name: action }).count(), 0, `no ${action} for reporters`);
      }
    });
  },
};

const accessibility: Journey = {
  name: 'Accessibility (axe-core): Login, Run Checks, Customers, Settings, Account',
  async run(h) {
    const page = await h.person('axe', { bypassCSP: true });
    const check = async (url: string) => {
      await page.goto(url);
      assert.deepEqual(await accessibilityViolations(page), [], `accessibility of ${url}`);
    };
    await check('/login');
    await signIn(page, adminCredentials.email, adminCredentials.password);
    for (const url of ['/run-checks', '/customers', '/settings/autotask', '/account', '/account/two-factor']) {
      await step(page, `axe ${url}`, () => check(url));
    }
  },
};

/**
 * With E2E_UPDATE_DOCS=1 the latest step's screenshot becomes the README's picture `name`; a
 * normal run leaves docs/ alone so CI never rewrites committed files.
 */
function saveForDocs(name: string): void {
  if (process.env.E2E_UPDATE_DOCS !== '1') return;
  const files = fs
    .readdirSync(outputDir)
    .filter((f) => f.endsWith('.png'))
    .sort();
  fs.mkdirSync(docsDir, { recursive: true });
  fs.copyFileSync(path.join(outputDir, files[files.length - 1]!), path.join(docsDir, name));
}

/** The code an authenticator app would show for `key` at `at` (defaults: six digits, 30-second steps). */
function codeFor(key: string, at: number): string {
  return new TOTP({ secret: Secret.fromBase32(key) }).generate({ timestamp: at });
}

const reporterSecuresAccount: Journey = {
  name: 'Reporter: turn on two-factor sign-in, sign in with a code, sign out the other session',
  async run(h) {
    const rep = await h.person('reporter-account');
    await signIn(rep, people.reporter.email, people.reporter.password);
    let key = '';
    await step(rep, 'reporter turns on two-factor sign-in', async () => {
      await rep.getByRole('link', { name: 'Account' }).click();
      await rep.getByRole('heading', { name: 'Your account', level: 1 }).waitFor();
      await rep.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
      await rep.getByRole('img', { name: /QR code/ }).waitFor();
      key = (await rep.locator('#totp-secret').textContent())!.trim();
      await rep.getByLabel('Code from the app').fill(codeFor(key, Date.now()));
      await rep.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
      await rep
        .getByText(/recovery codes/i)
        .first()
        .waitFor();
    });

    const phone = await h.person('reporter-phone');
    await step(phone, 'a second sign-in asks for the code', async () => {
      await phone.goto('/login');
      await phone.getByLabel('E-mail address').fill(people.reporter.email);
      await phone.getByLabel('Password').fill(people.reporter.password);
      await phone.getByRole('button', { name: 'Sign in' }).click();
      // The enrolment used this 30-second step's code; the next step's is one the app shows next.
      await phone.getByLabel('Code from your authenticator app').fill(codeFor(key, Date.now() + 30_000));
      await phone.getByRole('button', { name: 'Verify' }).click();
      await phone.waitForURL((url) => url.pathname.startsWith('/run-checks'));
    });

    await step(rep, 'reporter signs out the other session', async () => {
      await rep.getByRole('link', { name: 'Account' }).click();
      await rep.getByRole('button', { name: 'Sign out other sessions' }).click();
      await rep.getByText('Signed out 1 other session.').waitFor();
      await phone.goto('/run-checks');
      await phone.waitForURL((url) => url.pathname.startsWith('/login'));
    });
  },
};

export const journeys: Journey[] = [
  adminSetsUp,
  adminMaps,
  operatorTickets,
  reporterLooks,
  morningReview,
  reporterSecuresAccount,
  connectWiseTickets,
  accessibility,
];
