import { Gauge, type Registry } from 'prom-client';
import type { Db } from '../db/database.ts';
import type { ScrapeRead, ScrapeReads } from './scrape-read.ts';

interface TicketCounts {
  readonly created: number;
  readonly resolved: number;
}

/**
 * `backupchecks_tickets_created` and `backupchecks_tickets_resolved`: counted in the database at
 * each scrape, so every app instance reports the same numbers whichever instance did the work, and
 * a restart loses nothing. Gauges, not counters: retention may one day remove old tickets, and a
 * counter must never go down. `increase()` does not apply; `delta(…[1d])` shows a day's tickets.
 */
export function registerTicketMetrics(registry: Registry, db: Db, reads: ScrapeReads): void {
  const counts = reads('tickets', () => countTickets(db));
  gauge(registry, counts, {
    name: 'backupchecks_tickets_created',
    help: 'Autotask tickets Backupchecks holds as created (created from a run or linked by number), as stored in the database.',
    value: (c) => c.created,
  });
  gauge(registry, counts, {
    name: 'backupchecks_tickets_resolved',
    help: 'Autotask tickets Backupchecks resolved (closing note written and status set), as stored in the database.',
    value: (c) => c.resolved,
  });
}

function gauge(
  registry: Registry,
  counts: ScrapeRead<TicketCounts>,
  spec: { name: string; help: string; value: (c: TicketCounts) => number },
): void {
  new Gauge({
    name: spec.name,
    help: spec.help,
    registers: [registry],
    async collect() {
      const c = await counts();
      // No sample when the read failed: a 0 would read as "every ticket is gone".
      if (c) this.set(spec.value(c));
      else this.remove();
    },
  });
}

/** One scan of the ticket table for both numbers (it holds one row per ticket, not per run). */
async function countTickets(db: Db): Promise<TicketCounts> {
  const [row] = await db.$queryRaw<Array<{ created: number; resolved: number }>>`
    SELECT count(*) FILTER (WHERE state = 'created')::int AS created,
           count(*) FILTER (WHERE "resolvedAt" IS NOT NULL)::int AS resolved
    FROM "Ticket"`;
  return { created: row?.created ?? 0, resolved: row?.resolved ?? 0 };
}
