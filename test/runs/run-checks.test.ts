import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/app.ts';
import { loadRunChecks, type RunChecksFilters } from '../../src/services/runs/run-checks.ts';
import { addUser, buildTestApp, signInAs } from '../support/app.ts';
import { useTestDatabase } from '../support/db.ts';
import { addRun } from './fixtures.ts';
import { openedRunIds, rowHtml, rowsOnPage } from './run-checks-html.ts';

const ctx = useTestDatabase();
let built: BuiltApp;
const now = new Date('2026-03-10T08:00:00Z');
const xss = '<script>alert(1)</script><img src=x onerror=alert(2)>';
const labelXss = '<script>alert(3)</script>';
/** Run ids (r1…) and job ids (by job name) of the fixed set. */
const ids: Record<string, number> = {};
const job: Record<string, number> = {};

/**
 * The fixed data set (now is 2026-03-10 08:00 UTC):
 *   Alpha Care    VMs      r1 error (objects success/warning/error), r2 warning, r3 success (reviewed)
 *                 NAS      r4 success, remark with % and _
 *   Bravo Bikes   Server   r5 warning (object message with markup); an open ticket (status label with markup)
 *                 Laptops  r6 success
 *                 Desktops r12 success (three successful objects)
 *   Charlie Cafe  Cloud    r7 success; r8 error reviewed 9 days ago; r9 error reviewed 4 days ago
 *                 Archive  r11 missed
 *                 Mail     r14 success reviewed 2 days ago
 *   Aardvark Accounting (added last, first by name) Files r13 success
 *   Delta Dental  (deactivated) Old r10 error
 */
async function seedFixedSet() {
  const add = async (key: string, f: Parameters<typeof addRun>[1]) => {
    const run = await addRun(ctx.db, f);
    job[f.job] = run.jobId;
    return (ids[key] = run.id);
  };
  await add('r1', {
    customer: 'Alpha Care',
    job: 'VMs',
    status: 'error',
    runAt: '2026-03-09T22:00:00Z',
    remark: 'Failed: 1 of 3 objects',
    objects: [
      { name: 'vm-success', status: 'success', message: 'Processed 10 GB' },
      { name: 'vm-warning', status: 'warning', message: 'CBT disabled' },
      { name: 'vm-error', status: 'error', message: 'Snapshot failed: timed out' },
    ],
  });
  await add('r2', { customer: 'Alpha Care', job: 'VMs', status: 'warning', runAt: '2026-03-08T22:00:00Z' });
  await add('r3', {
    customer: 'Alpha Care',
    job: 'VMs',
    status: 'success',
    runAt: '2026-03-07T22:00:00Z',
    reviewed: true,
  });
  await add('r4', {
    customer: 'Alpha Care',
    job: 'NAS',
    status: 'success',
    runAt: '2026-03-09T23:00:00Z',
    remark: 'Quota 80% used on backup_repo',
  });
  await add('r5', {
    customer: 'Bravo Bikes',
    job: 'Server',
    status: 'warning',
    runAt: '2026-03-09T21:00:00Z',
    objects: [{ name: 'srv01', status: 'warning', message: xss }],
  });
  await add('r6', { customer: 'Bravo Bikes', job: 'Laptops', status: 'success', runAt: '2026-03-09T12:00:00Z' });
  await add('r7', { customer: 'Charlie Cafe', job: 'Cloud', status: 'success', runAt: '2026-03-09T02:00:00Z' });
  const cloud = { customer: 'Charlie Cafe', job: 'Cloud', status: 'error', reviewed: true } as const;
  await add('r8', { ...cloud, runAt: '2026-03-01T02:00:00Z', remark: 'Vault locked' });
  await add('r9', { ...cloud, runAt: '2026-03-06T02:00:00Z', remark: 'Tape offline' });
  await add('r10', {
    customer: 'Delta Dental',
    job: 'Old',
    status: 'error',
    runAt: '2026-03-09T02:00:00Z',
    customerActive: false,
  });
  await add('r11', { customer: 'Charlie Cafe', job: 'Archive', status: 'missed', runAt: '2026-03-09T03:00:00Z' });
  await add('r12', {
    customer: 'Bravo Bikes',
    job: 'Desktops',
    status: 'success',
    runAt: '2026-03-09T13:00:00Z',
    objects: ['pc-01', 'pc-02', 'pc-03'].map((name) => ({ name, status: 'success' as const })),
  });
  await add('r13', { customer: 'Aardvark Accounting', job: 'Files', status: 'success', runAt: '2026-03-09T14:00:00Z' });
  await add('r14', {
    customer: 'Charlie Cafe',
    job: 'Mail',
    status: 'success',
    runAt: '2026-03-08T10:00:00Z',
    reviewed: true,
  });

  const creator = await addUser(ctx.db, 'operator');
  const ticket = await ctx.db.prisma.ticket.create({
    data: {
      originRunId: ids.r5!,
      jobId: job.Server!,
      reference: `BC-RUN-${ids.r5}`,
      state: 'created',
      ticketId: 90_001,
      ticketNumber: 'T20260309.0001',
      statusId: 1,
      statusLabel: labelXss,
      statusCheckedAt: now,
      createdById: creator.id,
    },
  });
  await ctx.db.prisma.run.update({ where: { id: ids.r5! }, data: { ticketRecordId: ticket.id } });
}

const load = (f: Partial<RunChecksFilters> = {}) =>
  loadRunChecks(ctx.db.prisma, { includeReviewed: false, page: 1, ...f }, now);

/** The rows of a page as `customer / job (worst status)`. */
const outline = (page: Awaited<ReturnType<typeof load>>) =>
  page.rows.map((r) => `${r.customerName} / ${r.jobName} (${r.worstStatus})`);
const jobsOf = async (f: Partial<RunChecksFilters>) => (await load(f)).rows.map((r) => r.jobName);

beforeAll(async () => {
  built = buildTestApp(ctx.db, { APP_TIMEZONE: 'Europe/Amsterdam' });
  await seedFixedSet();
});
afterAll(() => built.close());

describe('Run Checks: rows', () => {
  it('shows one row per job with unreviewed runs, worst first, then by customer and job; deactivated customers left out', async () => {
    const page = await load();
    expect(outline(page)).toEqual([
      'Alpha Care / VMs (error)',
      'Charlie Cafe / Archive (missed)',
      'Bravo Bikes / Server (warning)',
      'Aardvark Accounting / Files (success)',
      'Alpha Care / NAS (success)',
      'Bravo Bikes / Desktops (success)',
      'Bravo Bikes / Laptops (success)',
      'Charlie Cafe / Cloud (success)',
    ]);
    expect(page.unreviewedTotal).toBe(9);
    expect([page.rowTotal, page.page, page.pages]).toEqual([8, 1, 1]);
    expect(page.customerOptions.map((c) => c.name)).toEqual([
      'Aardvark Accounting',
      'Alpha Care',
      'Bravo Bikes',
      'Charlie Cafe',
    ]);
    expect(page.open.rows.size).toBe(0);
  });

  it('counts the unreviewed runs of each job by status, whatever the filters: what "Mark reviewed" covers', async () => {
    for (const filters of [{}, { status: 'error' as const }, { search: 'snapshot' }]) {
      const vms = (await load(filters)).rows[0]!;
      expect(vms).toMatchObject({
        jobName: 'VMs',
        worstStatus: 'error',
        counts: { error: 1, missed: 0, warning: 1, success: 0 },
        unreviewedCount: 2,
        // r3 is newer but reviewed already.
        maxUnreviewedRunId: ids.r2,
        lastRunAt: new Date('2026-03-09T22:00:00Z'),
        ticket: null,
      });
    }
    const archive = (await load({ status: 'missed' })).rows[0]!;
    expect(archive.counts).toEqual({ error: 0, missed: 1, warning: 0, success: 0 });
  });

  it("shows the row's ticket: number, status and who created it", async () => {
    const server = (await load()).rows.find((r) => r.jobId === job.Server)!;
    expect(server.ticket).toMatchObject({
      state: 'created',
      ticketNumber: 'T20260309.0001',
      statusLabel: labelXss,
      complete: false,
      createdBy: 'Operator User',
    });
  });
});

describe('Run Checks: filters choose which jobs are listed', () => {
  it('by status, including missed', async () => {
    expect(await jobsOf({ status: 'warning' })).toEqual(['VMs', 'Server']);
    expect(await jobsOf({ status: 'missed' })).toEqual(['Archive']);
    expect(await jobsOf({ status: 'error' })).toEqual(['VMs']);
  });

  it('by customer, also with a status', async () => {
    const bravo = (await load()).customerOptions.find((c) => c.name === 'Bravo Bikes')!;
    expect(await jobsOf({ customerId: bravo.id })).toEqual(['Server', 'Desktops', 'Laptops']);
    expect(await jobsOf({ customerId: bravo.id, status: 'success' })).toEqual(['Desktops', 'Laptops']);
  });

  it('by search: customer, job, remark, object names and messages, case-insensitive and literally', async () => {
    const search = (text: string, includeReviewed = false) => jobsOf({ search: text, includeReviewed });
    expect(await search('snapshot FAILED')).toEqual(['VMs']);
    expect(await search('laptops')).toEqual(['Laptops']);
    expect(await search('bravo')).toEqual(['Server', 'Desktops', 'Laptops']);
    expect(await search('1 of 3')).toEqual(['VMs']);
    expect(await search('srv01')).toEqual(['Server']);
    expect(await search('PC-02')).toEqual(['Desktops']);
    // % and _ are what they are, not wildcards.
    expect(await search('80%')).toEqual(['NAS']);
    expect(await search('backup_repo')).toEqual(['NAS']);
    expect(await search('%')).toEqual(['NAS']);
    expect(await search('_')).toEqual(['NAS']);
    expect(await search('vm%error')).toEqual([]);
    expect(await search('vm_error')).toEqual([]);
    // Deactivated customers and reviewed runs stay out; reviewed runs of the last days on request.
    expect(await search('delta')).toEqual([]);
    expect(await search('tape offline')).toEqual([]);
    expect(await search('tape offline', true)).toEqual(['Cloud']);
    expect(await search('vault locked', true)).toEqual([]);
  });

  it('includes reviewed runs of the last days on request, which can reorder rows; a row may have none unreviewed', async () => {
    const page = await load({ includeReviewed: true });
    expect(outline(page)).toEqual([
      'Alpha Care / VMs (error)',
      'Charlie Cafe / Cloud (error)',
      'Charlie Cafe / Archive (missed)',
      'Bravo Bikes / Server (warning)',
      'Aardvark Accounting / Files (success)',
      'Alpha Care / NAS (success)',
      'Bravo Bikes / Desktops (success)',
      'Bravo Bikes / Laptops (success)',
      'Charlie Cafe / Mail (success)',
    ]);
    const byName = new Map(page.rows.map((r) => [r.jobName, r]));
    expect(byName.get('Cloud')).toMatchObject({ counts: { error: 0, missed: 0, warning: 0, success: 1 } });
    expect(byName.get('VMs')).toMatchObject({ unreviewedCount: 2, maxUnreviewedRunId: ids.r2 });
    expect(byName.get('Mail')).toMatchObject({ unreviewedCount: 0, maxUnreviewedRunId: null });
    expect(page.unreviewedTotal).toBe(9);
    expect(await jobsOf({ includeReviewed: true, status: 'error' })).toEqual(['VMs', 'Cloud']);
  });
});

describe('Run Checks: opened rows', () => {
  it('show their runs, worst first, each with its failed objects only (errors first)', async () => {
    const page = await load({ open: [job.VMs!] });
    expect([...page.open.rows.keys()]).toEqual([job.VMs]);
    const vms = page.open.rows.get(job.VMs!)!;
    expect(vms.matchingCount).toBe(2);
    expect(vms.runs.map((r) => r.id)).toEqual([ids.r1, ids.r2]);
    const r1 = vms.runs[0]!;
    expect(r1.objects.map((o) => o.name)).toEqual(['vm-error', 'vm-warning']);
    expect(r1.objectCount).toBe(3);
    expect(r1.customer.mapping).toBeNull();
    expect(r1.ticket).toBeNull();
    expect(r1.job.lastSuccess?.id).toBe(ids.r3);

    const reviewed = await load({ includeReviewed: true, open: [job.VMs!, job.Cloud!] });
    expect(reviewed.open.rows.get(job.VMs!)!.runs.map((r) => r.id)).toEqual([ids.r1, ids.r2, ids.r3]);
    // The older error before the newer success.
    expect(reviewed.open.rows.get(job.Cloud!)!.runs.map((r) => r.id)).toEqual([ids.r9, ids.r7]);
  });

  it('show only the runs that match the filters; rows not on the page are not opened', async () => {
    const page = await load({ status: 'warning', open: [job.VMs!, job.Server!, job.NAS!, job.Old!, 999_999] });
    expect([...page.open.rows.keys()].sort()).toEqual([job.VMs, job.Server].sort());
    expect(page.open.rows.get(job.VMs!)!.runs.map((r) => r.id)).toEqual([ids.r2]);
    expect(page.open.rows.get(job.Server!)!.runs.map((r) => r.id)).toEqual([ids.r5]);
    const searched = await load({ search: 'snapshot', open: [job.VMs!] });
    expect(searched.open.rows.get(job.VMs!)).toMatchObject({ matchingCount: 1, runs: [{ id: ids.r1 }] });
  });
});

describe('Run Checks page', () => {
  it('lists the rows with times in the configured zone, counts, tickets and review controls for operators', async () => {
    const { agent } = await signInAs(built.app, ctx.db, 'operator');
    const res = await agent.get('/run-checks');
    expect(res.status).toBe(200);
    const order = ['VMs', 'Archive', 'Server', 'Files', 'NAS', 'Desktops', 'Laptops', 'Cloud'];
    expect(rowsOnPage(res.text)).toEqual(order.map((name) => job[name]));
    expect(res.text).toContain('<strong>9</strong> unreviewed runs to check.');
    const vms = rowHtml(res.text, job.VMs!);
    // 2026-03-09T22:00Z is 23:00 in Amsterdam (CET).
    expect(vms).toContain('09/03/2026, 23:00 CET');
    expect(vms).toContain('<span class="badge status-error">error</span>');
    expect(vms).toContain('<span class="count status-error">1 error</span>');
    expect(vms).toContain('<span class="count status-warning">1 warning</span>');
    expect(vms).toMatch(/Mark job as reviewed \(2 runs\)/);
    expect(vms).toContain(`name="job" value="${job.VMs}:${ids.r2}" form="bulk-review"`);
    expect(vms).toContain('No ticket');
    expect(rowHtml(res.text, job.Archive!)).toContain('<span class="badge status-missed">missed</span>');
    expect(rowHtml(res.text, job.Server!)).toContain('T20260309.0001');
    expect(rowHtml(res.text, job.Server!)).toContain('by Operator User');
    expect(res.text).toContain('<form method="post" action="/run-checks/review" id="bulk-review"');
    // Closed rows show no runs.
    expect(openedRunIds(res.text)).toEqual([]);
    expect(res.text).not.toContain('Failed: 1 of 3 objects');
    expect(res.text).not.toContain('Delta Dental');
    // The key list (shown by the script) and the script itself.
    expect(res.text).toContain('<aside class="key-list" id="run-checks-keys" hidden');
    expect(res.text).toContain('<kbd>x</kbd> select the row');
    expect(res.text).toContain('<script src="/static/js/run-checks.js" defer></script>');
  });

  it('opens a row with ?open=: its runs with remark, time, review button, ticket cell and failed objects', async () => {
    const { agent } = await signInAs(built.app, ctx.db, 'operator');
    const res = await agent.get(`/run-checks?open=${job.VMs}`);
    expect(res.status).toBe(200);
    const vms = rowHtml(res.text, job.VMs!);
    expect(vms).toContain('aria-expanded="true"');
    expect(vms).toContain('Hide runs');
    expect(openedRunIds(res.text)).toEqual([ids.r1, ids.r2]);
    expect(vms).toContain('Failed: 1 of 3 objects');
    expect(vms).toContain('09/03/2026, 23:00 CET');
    expect(vms).toContain('08/03/2026, 23:00 CET');
    expect(vms).toContain(`action="/run-checks/runs/${ids.r1}/review"`);
    expect(vms).toContain(`id="run-${ids.r1}-ticket"`);
    expect(vms).toContain('Snapshot failed: timed out');
    expect(vms).toContain('CBT disabled');
    expect(vms).not.toContain('vm-success');
    expect(vms).toContain('Showing the failed objects: 2 of 3 objects.');
    expect(vms.indexOf('vm-error')).toBeLessThan(vms.indexOf('vm-warning'));
    expect(rowHtml(res.text, job.Server!)).toContain('aria-expanded="false"');

    const desktops = rowHtml((await agent.get(`/run-checks?open=${job.Desktops}`)).text, job.Desktops!);
    expect(desktops).toContain('No failed objects (3 objects, all successful).');
    const filtered = rowHtml((await agent.get(`/run-checks?status=error&open=${job.VMs}`)).text, job.VMs!);
    expect(openedRunIds(filtered)).toEqual([ids.r1]);
    expect(filtered).toContain('Marking the job as reviewed also covers its 1 unreviewed run(s) not shown here.');
  });

  it('"Show runs" links keep the filters and add or remove the row', async () => {
    const { agent } = await signInAs(built.app, ctx.db, 'operator');
    const toggle = (html: string, jobId: number) =>
      /<a href="([^"]*)" class="row-toggle"/.exec(rowHtml(html, jobId))![1]!.replaceAll('&amp;', '&');
    const closed = await agent.get('/run-checks');
    expect(toggle(closed.text, job.VMs!)).toBe(`/run-checks?open=${job.VMs}#job-${job.VMs}`);
    const open = await agent.get(`/run-checks?status=warning&q=s&reviewed=on&open=${job.VMs}`);
    expect(rowsOnPage(open.text)).toEqual([job.VMs, job.Server]);
    expect(toggle(open.text, job.VMs!)).toBe(`/run-checks?status=warning&q=s&reviewed=on#job-${job.VMs}`);
    expect(toggle(open.text, job.Server!)).toBe(
      `/run-checks?status=warning&q=s&reviewed=on&open=${job.VMs}&open=${job.Server}#job-${job.Server}`,
    );
  });

  it('renders filters and the number of rows that match', async () => {
    const { agent } = await signInAs(built.app, ctx.db, 'operator');
    const res = await agent.get('/run-checks?status=warning');
    expect(res.text).toContain('<option value="warning" selected>');
    expect(res.text).toContain('2 jobs match the filters.');
    expect(rowsOnPage(res.text)).toEqual([job.VMs, job.Server]);
    expect(res.text).not.toContain('Charlie Cafe</a>');
    expect(res.text).not.toContain('Delta Dental');
    const missed = await agent.get('/run-checks?status=missed');
    expect(missed.text).toContain('<option value="missed" selected>');
    expect(rowsOnPage(missed.text)).toEqual([job.Archive]);
  });

  it('falls back to defaults for invalid values in the address', async () => {
    const { agent } = await signInAs(built.app, ctx.db, 'operator');
    const res = await agent.get(
      `/run-checks?status=broken&customer=abc&ticket=closed&page=-3&reviewed=maybe&open=abc&open=-1&open=${job.Old}&q=` +
        'x'.repeat(300),
    );
    expect(res.status).toBe(200);
    expect(rowsOnPage(res.text)).toEqual([]); // the search is cut to 200 characters, not refused
    const rest = await agent.get(
      '/run-checks?status=broken&customer=abc&ticket=closed&page=-3&reviewed=maybe&open=abc',
    );
    expect(rest.status).toBe(200);
    expect(rowsOnPage(rest.text)).toHaveLength(8);
    expect(openedRunIds(rest.text)).toEqual([]);
    expect(rest.text).not.toContain('aria-expanded="true"');
  });

  it('is read-only for reporters: no checkboxes, no review buttons, no bulk form; ticket numbers shown', async () => {
    const { agent } = await signInAs(built.app, ctx.db, 'reporter');
    const res = await agent.get(`/run-checks?open=${job.VMs}&open=${job.Server}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Alpha Care');
    expect(openedRunIds(res.text)).toEqual([ids.r1, ids.r2, ids.r5]);
    expect(res.text).toContain('Your role can look but not review.');
    expect(rowHtml(res.text, job.Server!)).toContain('T20260309.0001');
    expect(res.text).not.toContain('type="checkbox" name="job"');
    expect(res.text).not.toContain('bulk-review');
    expect(res.text).not.toContain('Mark as reviewed');
    expect(res.text).not.toContain('Mark job as reviewed');
    expect(res.text).not.toContain('Mark reviewed');
    expect(res.text).not.toContain('/review"');
    expect(res.text).toContain('<aside class="key-list" id="run-checks-keys" hidden');
    expect(res.text).not.toContain('<kbd>x</kbd>');
  });

  it('renders markup in run data as text: in the row, the opened row and the run page', async () => {
    const { agent } = await signInAs(built.app, ctx.db, 'reporter');
    const checks = await agent.get(`/run-checks?open=${job.Server}`);
    expect(rowHtml(checks.text, job.Server!)).toContain('&lt;script&gt;alert(3)&lt;/script&gt;');
    for (const res of [checks, await agent.get(`/runs/${ids.r5}`)]) {
      expect(res.status).toBe(200);
      expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
      expect(res.text).not.toContain('<script>alert(');
      expect(res.text).not.toContain('<img src=x');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    }
  });
});

describe('Run detail page', () => {
  it('shows everything about one run, with its objects and the other runs of its job', async () => {
    const { agent } = await signInAs(built.app, ctx.db, 'operator');
    const res = await agent.get(`/runs/${ids.r1}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain(`Run #${ids.r1}`);
    expect(res.text).toContain('Alpha Care');
    expect(res.text).toContain('VMs');
    expect(res.text).toContain('Snapshot failed: timed out');
    expect(res.text).toContain('1 error, 1 warning, 1 success');
    expect(res.text).toContain('Not reviewed yet.');
    expect(res.text).toContain(`href="/runs/${ids.r2}"`);
    expect(res.text.indexOf('vm-error')).toBeLessThan(res.text.indexOf('vm-success'));
  });

  it('answers 404 for a missing or malformed run id', async () => {
    const { agent } = await signInAs(built.app, ctx.db, 'reporter');
    expect((await agent.get('/runs/999999')).status).toBe(404);
    expect((await agent.get('/runs/abc')).status).toBe(404);
  });
});
