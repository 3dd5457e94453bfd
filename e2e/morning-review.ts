import assert from 'node:assert/strict';
import { detectMissedRuns } from '../src/services/schedules/detection.ts';
import { adminCredentials, signIn, step } from './harness.ts';
import type { Journey } from './journeys.ts';
import { customerName, people, showRunsOf } from './people.ts';

/**
 * The operator's morning: Run Checks as one row per job, a row opened in place (and still open
 * after a reload), rows selected and marked reviewed by keyboard, and a ticket for a job that did
 * not run.
 */
export const morningReview: Journey = {
  name: 'Operator: the morning review, by mouse and keyboard, and a ticket for a missed run',
  async run(h) {
    const op = await h.person('morning');
    await signIn(op, people.operator.email, people.operator.password);
    const rows = op.locator('tbody[data-job-row]');

    await step(op, 'Run Checks lists one row per job, worst first, with the keys', async () => {
      await op.goto('/run-checks');
      await op.getByRole('heading', { name: 'Run Checks', level: 1 }).waitFor();
      await op.getByRole('complementary', { name: 'Keyboard shortcuts' }).waitFor();
      assert.ok((await rows.count()) > 3, 'several jobs to check');
      assert.equal(await op.locator('section.run').count(), 0, 'runs stay folded until a row is opened');
      assert.equal(await rows.first().locator('.badge').first().innerText(), 'error');
    });

    await step(op, 'open a job in place; a reload keeps it open', async () => {
      const first = rows.first();
      const id = (await first.getAttribute('id'))!;
      await showRunsOf(op, first);
      assert.match(op.url(), new RegExp(`[?&]open=${id.replace('job-', '')}\\b`));
      await op.reload();
      await op.locator(`#${id}-runs section.run`).first().waitFor();
      await op
        .locator(`#${id}`)
        .getByRole('link', { name: /^Hide runs/ })
        .click();
      await op.locator(`#${id}-runs`).waitFor({ state: 'detached' });
    });

    await step(op, 'select two rows with j and x, mark them reviewed with r', async () => {
      await op.goto('/run-checks');
      await op.getByRole('complementary', { name: 'Keyboard shortcuts' }).waitFor();
      await op.keyboard.press('j');
      await op.keyboard.press('x');
      await op.keyboard.press('j');
      await op.keyboard.press('x');
      const picked = op.locator('[data-row-select]:checked');
      assert.equal(await picked.count(), 2);
      const jobIds = (await picked.evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).value))).map((v) =>
        Number(v.split(':')[0]),
      );
      await op.keyboard.press('r');
      await op.getByText(/Marked \d+ runs? of 2 jobs as reviewed\./).waitFor();
      const left = await h.app.database.prisma.run.count({ where: { jobId: { in: jobIds }, reviewedAt: null } });
      assert.equal(left, 0, 'the selected jobs have nothing left to review');
      for (const jobId of jobIds) assert.equal(await op.locator(`#job-${jobId}`).count(), 0);
    });

    // A job that has never reported, so its first expected run is surely missed.
    const db = h.app.database.prisma;
    const acme = await db.customer.findFirstOrThrow({ where: { name: customerName } });
    const job = await db.job.create({
      data: { customerId: acme.id, name: 'Offsite replica', backupSoftware: 'Veeam', backupType: 'Replication' },
    });
    const boss = await h.person('morning-admin');
    await signIn(boss, adminCredentials.email, adminCredentials.password);
    await step(boss, 'the admin confirms a daily schedule on the job page', async () => {
      await boss.goto(`/jobs/${job.id}`);
      await boss.getByLabel('Runs', { exact: true }).selectOption('daily');
      // Two hours ago in the app's time zone (UTC here), so today's window has closed.
      const due = new Date(Date.now() - 2 * 3600_000);
      const hhmm = `${String(due.getUTCHours()).padStart(2, '0')}:${String(due.getUTCMinutes()).padStart(2, '0')}`;
      await boss.getByLabel('Time', { exact: true }).fill(hhmm);
      await boss.getByLabel('Grace period (minutes)').fill('30');
      await boss.getByRole('button', { name: 'Save schedule' }).click();
      await boss.locator('.flash-success').first().waitFor();
    });
    // As if the schedule had been confirmed yesterday, and the background check came round.
    const yesterday = new Date(Date.now() - 24 * 3600_000);
    await db.jobSchedule.update({
      where: { jobId: job.id },
      data: { confirmedAt: yesterday, checkedUntil: yesterday },
    });
    const found = await detectMissedRuns({ db, timezone: 'UTC' });
    assert.equal(found.missed, 1, "one missed run: today's window");

    await step(op, 'a missed run shows like an error and gets a ticket titled Missed', async () => {
      await op.goto('/run-checks');
      await op.getByLabel('Status').selectOption('missed');
      await op.getByRole('button', { name: 'Filter' }).click();
      const row = rows.filter({ hasText: job.name }).first();
      await row.locator('.count.status-missed').waitFor();
      await showRunsOf(op, row);
      const missed = op.locator('section.run.run-missed').first();
      await missed.getByRole('button', { name: /Create Autotask ticket/ }).click();
      await op
        .locator('section.run.run-missed')
        .first()
        .getByRole('link', { name: /Open ticket/ })
        .waitFor();
      const ticket = h.sim.state.tickets.at(-1)!;
      assert.match(ticket.title, / - Missed$/);
    });
  },
};
