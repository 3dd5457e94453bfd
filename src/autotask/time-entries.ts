import type { AutotaskHttp } from './http.ts';
import { filter, queryCount, type Filter } from './query.ts';
import { validId } from './wire.ts';

/** Time entries: only counted. A ticket with time on it must not be resolved from Backupchecks. */

/** `POST TimeEntries/query/count` for `ticketID eq id`. */
export async function countTimeEntriesForTicket(http: AutotaskHttp, ticketId: number): Promise<number> {
  return queryCount(http, 'timeEntries.countForTicket', 'TimeEntries', [
    filter.eq('ticketID', validId(ticketId, 'ticket')),
  ]);
}

/**
 * `POST TimeEntries/query/count` for `isNonBillable eq true` and `dateWorked gte` the start of the
 * UTC day of `since`, across the whole tenant. Above 0 proves the API user can see non-billable
 * entries; 0 proves nothing, because Autotask hides them from a user without the permission
 * (docs/autotask.md, Time entries).
 */
export async function countNonBillableTimeEntriesSince(http: AutotaskHttp, since: Date): Promise<number> {
  if (Number.isNaN(since.getTime())) throw new TypeError('countNonBillableTimeEntriesSince needs a valid date');
  const day = `${since.toISOString().slice(0, 10)}T00:00:00Z`;
  const workedSince: Filter = { op: 'gte', field: 'dateWorked', value: day };
  return queryCount(http, 'timeEntries.countNonBillable', 'TimeEntries', [
    filter.eq('isNonBillable', true),
    workedSince,
  ]);
}
