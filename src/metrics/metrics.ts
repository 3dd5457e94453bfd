import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { ApiCallRecorder } from '../autotask/client.ts';
import type { Db } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { createAutotaskCallMetrics } from './autotask-calls.ts';
import { createRequestDuration } from './http-duration.ts';
import { createJobMetrics, type JobMetrics } from './jobs.ts';
import { createScrapeReads } from './scrape-read.ts';
import { registerTicketMetrics } from './tickets.ts';

export type { QueueSource, QueueStats } from './jobs.ts';

/**
 * The app's metrics, served at GET /metrics in Prometheus text format (src/controllers/health/metrics.ts;
 * what they mean and what to alert on: docs/operations.md, What to watch in /metrics).
 *
 * One registry per app, never prom-client's global one: the tests build many apps in one process,
 * and each must count only its own requests. Counts of what the database holds (tickets, the job
 * queue) are read at scrape time, so every instance reports the same; counts of what a process did
 * (requests, Autotask calls, failed job attempts) are that process's, and Prometheus adds them up.
 */
export interface AppMetrics extends JobMetrics {
  readonly registry: Registry;
  /** Times every answer: `backupchecks_http_request_duration_seconds` (src/metrics/http-duration.ts). */
  readonly requestDuration: RequestHandler;
  /** Counts every Autotask call it is handed (src/metrics/autotask-calls.ts); the Autotask access's observer. */
  readonly autotaskCalls: ApiCallRecorder;
}

export function createMetrics(options: { readonly db: Db; readonly logger: Logger }): AppMetrics {
  const registry = new Registry();
  for (const name of processMetricNames()) registry.registerMetric(processRegistry.getSingleMetric(name)!);
  const reads = createScrapeReads(registry, options.logger.child({ component: 'metrics' }));
  registerTicketMetrics(registry, options.db, reads);
  return {
    registry,
    requestDuration: createRequestDuration(registry),
    autotaskCalls: createAutotaskCallMetrics(registry),
    ...createJobMetrics(registry, reads),
  };
}

/**
 * prom-client's default metrics (process_cpu_seconds_total, nodejs_heap_size_used_bytes, …), made
 * once per process and registered into every app's registry. They describe the process, which all
 * its apps share; and collectDefaultMetrics starts a garbage-collection observer and an event-loop
 * delay monitor per call that nothing can stop, which one call per app would pile up in the tests.
 */
const processRegistry = new Registry();
let processNames: readonly string[] | null = null;

function processMetricNames(): readonly string[] {
  if (!processNames) {
    collectDefaultMetrics({ register: processRegistry });
    processNames = processRegistry.getMetricsAsArray().map((m) => m.name);
  }
  return processNames;
}
