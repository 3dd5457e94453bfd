import { Counter, Histogram, type Registry } from 'prom-client';
import type { ApiCallEntry, ApiCallRecorder } from '../autotask/client.ts';

/** Client operations are fixed names (`tickets.create`); anything else is counted as one `other`. */
const OPERATION = /^[a-z][A-Za-z]*(\.[a-z][A-Za-z]*)*$/;

/**
 * `backupchecks_autotask_requests_total{operation, outcome}` and
 * `backupchecks_autotask_request_duration_seconds{operation}`: one count and one duration per HTTP
 * request to Autotask, each retry its own, as the API call log counts them (src/autotask/api-log.ts).
 *
 * `outcome` is `ok` or the kind of failure (`AutotaskError.kind`: authentication, zone_lookup,
 * not_found, validation, permission, rate_limited, unavailable), never the error's text.
 *
 * The recorder returned here is the `observer` of the app's Autotask access
 * (src/services/integration/autotask-access.ts), which hands it every call whatever the API log
 * level in Settings: the metrics count what the database log leaves out.
 */
export function createAutotaskCallMetrics(registry: Registry): ApiCallRecorder {
  const requests = new Counter({
    name: 'backupchecks_autotask_requests_total',
    help: 'HTTP requests to the Autotask API (each retry counts), by client operation and outcome (ok or the kind of failure).',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'backupchecks_autotask_request_duration_seconds',
    help: 'Time from sending a request to Autotask until its answer (or the timeout), by client operation.',
    labelNames: ['operation'] as const,
    // Autotask answers in tenths of a second to seconds; AUTOTASK_TIMEOUT_MS is 30 s by default.
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  return {
    record(entry: ApiCallEntry) {
      const operation = OPERATION.test(entry.operation) ? entry.operation : 'other';
      requests.inc({ operation, outcome: outcomeOf(entry) });
      duration.observe({ operation }, entry.durationMs / 1000);
    },
  };
}

function outcomeOf(entry: ApiCallEntry): string {
  if (entry.ok) return 'ok';
  return entry.errorKind ?? 'error';
}
