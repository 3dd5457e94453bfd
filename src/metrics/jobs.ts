import { Counter, Gauge, type Registry } from 'prom-client';
import type { ScrapeRead, ScrapeReads } from './scrape-read.ts';

/** One queue's state as the job queue stores it (src/jobs/report.ts reads it from pg-boss's table). */
export interface QueueStats {
  /** The queue's (job's) name, e.g. `ticket-status-refresh`: a label, so a fixed name, never an id. */
  readonly queue: string;
  /** Waiting to be picked up. */
  readonly queued: number;
  /** Being worked on now. */
  readonly active: number;
  /** Retries used up: the run gave up. */
  readonly failed: number;
  /** Failed an attempt and waiting for the next one. */
  readonly retrying: number;
}

/** Reads every queue's state; called once per scrape, from whichever instance is scraped. */
export type QueueSource = () => Promise<readonly QueueStats[]>;

export interface JobMetrics {
  /**
   * Registers `backupchecks_jobs_queued`, `_active`, `_failed` and `_retrying`, each by `queue`,
   * filled from `source` at every scrape. Called once per app (a second call throws): the job
   * queue passes a reader of the shared queue table, so every instance reports the same state.
   */
  observeQueue(source: QueueSource): void;
  /**
   * Adds one to `backupchecks_job_failures_total{queue}`: call it for every failed attempt (a retry
   * that fails again counts again), e.g. from the job queue's `onFailure` option (src/jobs/queue.ts).
   * Counted in the process that ran the job, so with ROLE=worker the count lives in the worker.
   */
  jobFailed(queue: string): void;
}

const QUEUE_GAUGES = [
  ['queued', 'backupchecks_jobs_queued', 'Background job runs waiting to be picked up, by queue.'],
  ['active', 'backupchecks_jobs_active', 'Background job runs being worked on now, by queue.'],
  [
    'failed',
    'backupchecks_jobs_failed',
    'Background job runs that used up their retries and are still in the job table, by queue.',
  ],
  [
    'retrying',
    'backupchecks_jobs_retrying',
    'Background job runs waiting to be tried again after a failed attempt, by queue.',
  ],
] as const;

/**
 * Wiring for the job queue, in the app's metrics (`context.metrics`, src/metrics/metrics.ts):
 *
 *   const queue = createJobQueue({ …, onFailure: (name) => context.metrics.jobFailed(name) });
 *   context.metrics.observeQueue(async () =>
 *     (await jobReport(db)).map((r) => ({ queue: r.name, queued: r.queued, active: r.active,
 *       failed: r.failed, retrying: r.retrying })));
 */
export function createJobMetrics(registry: Registry, reads: ScrapeReads): JobMetrics {
  const failures = new Counter({
    name: 'backupchecks_job_failures_total',
    help: 'Failed attempts of background jobs run by this process, by queue (each failed retry counts).',
    labelNames: ['queue'] as const,
    registers: [registry],
  });
  let observed = false;
  return {
    observeQueue(source) {
      if (observed) throw new Error('observeQueue(): the queue is observed already; call it once per app');
      observed = true;
      const stats = reads('jobs', source);
      for (const [field, name, help] of QUEUE_GAUGES) queueGauge(registry, stats, { field, name, help });
    },
    jobFailed(queue) {
      failures.inc({ queue });
    },
  };
}

function queueGauge(
  registry: Registry,
  stats: ScrapeRead<readonly QueueStats[]>,
  spec: { field: keyof Omit<QueueStats, 'queue'>; name: string; help: string },
): void {
  new Gauge({
    name: spec.name,
    help: spec.help,
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      const rows = await stats();
      // Afresh each scrape: a queue that is gone (or a failed read) leaves no stale sample behind.
      this.reset();
      for (const row of rows ?? []) this.set({ queue: row.queue }, row[spec.field]);
    },
  });
}
