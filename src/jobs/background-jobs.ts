import type { Db } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import type { PsaAccess } from '../psa/access.ts';
import type { AutotaskAccess } from '../services/integration/autotask-access.ts';
import { runPeriodicCompanySync } from '../services/mapping/background-sync.ts';
import { pruneExpiredRecords } from '../services/retention/prune.ts';
import { runMissedRunDetection } from '../services/schedules/background-detection.ts';
import { runStatusRefresh } from '../services/tickets/background-status-refresh.ts';
import { settleInterruptedCreations } from '../services/tickets/settle-pending.ts';
import type { BackgroundJob } from './queue.ts';

/**
 * Every piece of background work of the app, as a job of the queue (queue.ts). Each job reads, or
 * tidies the app's own database; none writes to a PSA (docs/architecture.md). The work a
 * request starts after its response (refreshing the statuses it showed, the read-back after a
 * create) stays with that request: see src/shared/deferred-work.ts.
 */

/** Names and labels, also for Diagnostics in a process that runs no jobs. */
export const JOB_LABELS = {
  'company-sync': 'Company name sync',
  'ticket-status-refresh': 'Ticket status refresh',
  'settle-pending-tickets': 'Interrupted ticket creations',
  'missed-run-detection': 'Missed-run detection',
  retention: 'Removing old records',
} as const;

export type JobName = keyof typeof JOB_LABELS;

export interface BackgroundJobDeps {
  readonly db: Db;
  readonly autotask: AutotaskAccess;
  /** The active PSA (src/psa/access.ts): the ticket status refresh and settling read through it. */
  readonly psa: PsaAccess;
  readonly logger: Logger;
  readonly timezone: string;
  readonly autotaskTimeoutMs: number;
  readonly ticketStatusRefreshMinutes: number;
  readonly missedRunCheckMinutes: number;
}

/** Every `minutes` minutes from the top of the hour (cron minutes; 60 means hourly). */
function everyMinutes(minutes: number): string {
  return minutes <= 1 ? '* * * * *' : minutes >= 60 ? '0 * * * *' : `*/${minutes} * * * *`;
}

export function backgroundJobs(deps: BackgroundJobDeps): BackgroundJob[] {
  const { db, logger } = deps;
  const job = (name: JobName, cron: string, expireInSeconds: number, run: () => Promise<unknown>): BackgroundJob => ({
    name,
    label: JOB_LABELS[name],
    cron,
    expireInSeconds,
    run,
  });
  return [
    // Every minute: the sync itself decides from Settings' interval whether mappings are due.
    job('company-sync', everyMinutes(1), 15 * 60, () => runPeriodicCompanySync({ db, psa: deps.psa, logger })),
    // Every minute: the sync log decides whether a cycle is due (TICKET_STATUS_REFRESH_MINUTES).
    job('ticket-status-refresh', everyMinutes(1), 15 * 60, () =>
      runStatusRefresh({ db, psa: deps.psa, logger }, { intervalMinutes: deps.ticketStatusRefreshMinutes }),
    ),
    job('settle-pending-tickets', everyMinutes(5), 10 * 60, () =>
      settleInterruptedCreations({ db, psa: deps.psa, timeoutMs: deps.autotaskTimeoutMs }),
    ),
    job('missed-run-detection', everyMinutes(deps.missedRunCheckMinutes), 10 * 60, () =>
      runMissedRunDetection({ db, timezone: deps.timezone, logger }),
    ),
    // Hourly, in small batches: a backlog (the first run on an old database) is worked off in short
    // statements that never hold locks long; what one run leaves, the next takes.
    job('retention', '17 * * * *', 30 * 60, () => pruneExpiredRecords(db, { now: new Date(), maxBatches: 200 })),
  ];
}
