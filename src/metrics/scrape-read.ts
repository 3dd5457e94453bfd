import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../logger.ts';

/**
 * A read that fills metrics at scrape time (the database's ticket counts, the job queue's state),
 * shared by every metric it fills: prom-client asks all of a registry's metrics at once, so the
 * metrics of one read start it together and wait on the same promise, and a scrape costs one read,
 * not one per metric. Nothing is kept between scrapes: every scrape sees the data as it is then.
 *
 * A failed read does not fail the scrape (the process metrics and the counters still come through):
 * it is logged, counted in `backupchecks_metrics_read_failures_total{read}`, and resolves to null,
 * so the metrics it fills report no sample rather than a made-up one.
 */
export type ScrapeRead<T> = () => Promise<T | null>;

export type ScrapeReads = <T>(name: string, read: () => Promise<T>) => ScrapeRead<T>;

export function createScrapeReads(registry: Registry, logger: Logger): ScrapeReads {
  const inFlight = new Set<Promise<unknown>>();
  const failures = new Counter({
    name: 'backupchecks_metrics_read_failures_total',
    help: 'Reads at scrape time that failed (database unreachable, query error); their metrics had no sample.',
    labelNames: ['read'] as const,
    registers: [registry],
    async collect() {
      // prom-client asks every metric of the scrape before it awaits any: once this resumes, the
      // scrape's reads have started, and a read failing now is counted in this scrape, not the next.
      await Promise.resolve();
      await Promise.all(inFlight);
    },
  });
  return <T>(name: string, read: () => Promise<T>): ScrapeRead<T> => {
    const once = async (): Promise<T | null> => {
      try {
        return await read();
      } catch (err) {
        failures.inc({ read: name });
        logger.warn({ err, read: name }, 'metrics: a read at scrape time failed; its metrics have no sample');
        return null;
      }
    };
    let pending: Promise<T | null> | null = null;
    return () => {
      if (pending) return pending;
      const started = once();
      pending = started;
      inFlight.add(started);
      // Forgotten once settled (never rejects), so the next scrape reads afresh.
      void started.then(() => {
        pending = null;
        inFlight.delete(started);
      });
      return started;
    };
  };
}
