import type { AutotaskHttp } from './http.ts';
import { filter, queryCount } from './query.ts';
import { validId } from './wire.ts';

/** Time entries: only counted. A ticket with time on it must not be resolved from Backupchecks. */

/** `POST TimeEntries/query/count` for `ticketID eq id`. */
export async function countTimeEntriesForTicket(http: AutotaskHttp, ticketId: number): Promise<number> {
  return queryCount(http, 'timeEntries.countForTicket', 'TimeEntries', [
    filter.eq('ticketID', validId(ticketId, 'ticket')),
  ]);
}
