import { describe, expect, it } from 'vitest';
import { backgroundJobs, JOB_LABELS, type BackgroundJobDeps } from '../../src/jobs/background-jobs.ts';
import { createLogger } from '../../src/logger.ts';

/** The list of jobs and when each is due; what each one does is tested with its service. */

function jobsWith(overrides: Partial<BackgroundJobDeps> = {}) {
  // Only names and schedules are read here: no job is run, so no database or Autotask is needed.
  const deps: BackgroundJobDeps = {
    db: undefined as never,
    autotask: undefined as never,
    psa: undefined as never,
    logger: createLogger('silent'),
    timezone: 'UTC',
    autotaskTimeoutMs: 30_000,
    ticketStatusRefreshMinutes: 15,
    missedRunCheckMinutes: 5,
    ...overrides,
  };
  return Object.fromEntries(backgroundJobs(deps).map((j) => [j.name, j]));
}

describe('the background jobs', () => {
  it('are every job Diagnostics lists, each with its label and schedule', () => {
    const jobs = jobsWith();
    expect(Object.keys(jobs).sort()).toEqual(Object.keys(JOB_LABELS).sort());
    expect(Object.values(jobs).map((j) => [j.name, j.label, j.cron])).toEqual([
      ['company-sync', 'Company name sync', '* * * * *'],
      ['ticket-status-refresh', 'Ticket status refresh', '* * * * *'],
      ['settle-pending-tickets', 'Interrupted ticket creations', '*/5 * * * *'],
      ['missed-run-detection', 'Missed-run detection', '*/5 * * * *'],
      ['retention', 'Removing old records', '17 * * * *'],
    ]);
  });

  it('checks for missed runs every MISSED_RUN_CHECK_MINUTES', () => {
    expect(jobsWith({ missedRunCheckMinutes: 1 })['missed-run-detection']!.cron).toBe('* * * * *');
    expect(jobsWith({ missedRunCheckMinutes: 15 })['missed-run-detection']!.cron).toBe('*/15 * * * *');
    expect(jobsWith({ missedRunCheckMinutes: 60 })['missed-run-detection']!.cron).toBe('0 * * * *');
  });
});
