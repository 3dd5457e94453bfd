import { describe, expect, it } from 'vitest';
import {
  DESCRIPTION_MAX,
  moreObjectsLine,
  shorten,
  TITLE_MAX,
  ticketDescription,
  ticketTitle,
  type ContentObject,
  type DescriptionInput,
} from '../../src/services/tickets/ticket-content.ts';

const base: DescriptionInput = {
  customerName: 'Acme Dental',
  jobName: 'Nightly VMs',
  backupSoftware: 'Veeam Backup & Replication',
  backupType: 'VM backup',
  status: 'error',
  runAt: new Date('2026-01-13T01:30:00Z'),
  remark: null,
  objects: [],
  runUrl: 'https://bc.example.com/runs/42',
  runId: 42,
  reference: 'BC-RUN-42-abcd1234',
  timezone: 'Europe/Amsterdam',
};

const object = (
  i: number,
  status: ContentObject['status'],
  message: string | null = `message ${i}`,
): ContentObject => ({
  name: `VM${String(i).padStart(4, '0')}`,
  type: 'VM',
  status,
  message,
  position: i,
});

describe('ticket title', () => {
  it('is [Backupchecks] <customer> - <job> - <status>', () => {
    expect(ticketTitle({ customerName: 'Acme Dental', jobName: 'Nightly VMs', status: 'warning' })).toBe(
      '[Backupchecks] Acme Dental - Nightly VMs - Warning',
    );
  });

  it('shortens long names with … to at most 255 characters and keeps the status whole', () => {
    const title = ticketTitle({ customerName: 'C'.repeat(200), jobName: 'J'.repeat(300), status: 'error' });
    expect(title.length).toBe(TITLE_MAX);
    expect(title.startsWith('[Backupchecks] CCC')).toBe(true);
    expect(title.endsWith(' - Error')).toBe(true);
    expect(title).toContain('… - JJJ');
    expect(title).toMatch(/J… - Error$/);
  });

  it('gives a short customer name all of itself and cuts only the long job name', () => {
    const title = ticketTitle({ customerName: 'Acme', jobName: 'J'.repeat(400), status: 'error' });
    expect(title.length).toBe(TITLE_MAX);
    expect(title.startsWith('[Backupchecks] Acme - JJJ')).toBe(true);
    expect(title.endsWith('J… - Error')).toBe(true);
  });

  it('puts names from e-mails on one line', () => {
    expect(ticketTitle({ customerName: 'Acme\n Dental', jobName: 'Job\t1', status: 'success' })).toBe(
      '[Backupchecks] Acme Dental - Job 1 - Success',
    );
  });

  it('never splits a surrogate pair when shortening', () => {
    const cut = shorten('ab😀cd', 4);
    expect(cut).toBe('ab…');
    expect(cut.length).toBeLessThanOrEqual(4);
  });
});

describe('ticket description', () => {
  it('holds the remark first, the run facts with the time zone, the objects errors first, and the link', () => {
    const text = ticketDescription({
      ...base,
      remark: 'Job failed after 2 retries',
      objects: [object(1, 'warning', 'Low disk space'), object(2, 'success'), object(3, 'error', 'Snapshot failed')],
    });
    const lines = text.split('\n');
    expect(lines[0]).toBe('Remark: Job failed after 2 retries');
    expect(text).toContain('Run date/time: 13/01/2026, 02:30 CET (2026-01-13T01:30:00Z)');
    expect(text).toContain('Backup software: Veeam Backup & Replication');
    expect(text).toContain('Backup type: VM backup');
    expect(text).toContain('Job: Nightly VMs');
    expect(text).toContain('Affected objects (1 error, 1 warning):');
    expect(text.indexOf('- [Error] VM0003 (VM): Snapshot failed')).toBeLessThan(
      text.indexOf('- [Warning] VM0001 (VM): Low disk space'),
    );
    expect(text).not.toContain('VM0002');
    expect(text).toContain('Run in Backupchecks: https://bc.example.com/runs/42');
    expect(text.endsWith('Backupchecks reference: BC-RUN-42-abcd1234')).toBe(true);
  });

  it('never exceeds 8,000 characters with 5,000 long object messages, and says how many were left out', () => {
    const objects = Array.from({ length: 5000 }, (_, i) =>
      object(i, i % 3 === 0 ? 'warning' : 'error', `Failure ${i}: ${'the backup target did not respond '.repeat(40)}`),
    );
    const text = ticketDescription({ ...base, remark: 'R'.repeat(5000), objects });
    expect(text.length).toBeLessThanOrEqual(DESCRIPTION_MAX);
    const listed = text.split('\n').filter((l) => l.startsWith('- ['));
    expect(listed.length).toBeGreaterThan(0);
    // Errors first: no warning is listed while errors were left out.
    expect(listed.every((l) => l.startsWith('- [Error]'))).toBe(true);
    expect(text).toContain(moreObjectsLine(5000 - listed.length));
    expect(text).toContain('Run in Backupchecks: https://bc.example.com/runs/42');
    expect(text).toContain('Affected objects (3333 errors, 1667 warnings):');
  });

  it('counts objects it was not given (affectedTotal) in the "more" line', () => {
    const objects = Array.from({ length: 10 }, (_, i) => object(i, 'error'));
    const text = ticketDescription({ ...base, objects, affectedTotal: 250 });
    expect(text).toContain(moreObjectsLine(240));
    expect(text).toContain('Affected objects (250 with errors or warnings):');
    expect(text.length).toBeLessThanOrEqual(DESCRIPTION_MAX);
  });

  it('stays within the limit at every size around the cut-off', () => {
    for (let n = 1; n <= 400; n += 7) {
      const objects = Array.from({ length: n }, (_, i) => object(i, 'error', 'x'.repeat(150)));
      const text = ticketDescription({ ...base, objects });
      expect(text.length).toBeLessThanOrEqual(DESCRIPTION_MAX);
      const listed = text.split('\n').filter((l) => l.startsWith('- [')).length;
      if (listed < n) expect(text).toContain(moreObjectsLine(n - listed));
      else expect(text).not.toContain('more object');
    }
  });

  it('says so when no object failed (a success run ticket), and names the run when no base URL is set', () => {
    const text = ticketDescription({ ...base, status: 'success', objects: [object(1, 'success')], runUrl: null });
    expect(text).toContain('No objects reported an error or a warning.');
    expect(text).toContain('Backupchecks run #42');
    expect(text).not.toContain('Run in Backupchecks:');
  });
});
