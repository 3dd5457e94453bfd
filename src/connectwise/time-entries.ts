import { cond } from './conditions.ts';
import type { ConnectWiseHttp } from './http.ts';
import { countOf } from './paging.ts';
import { validId } from './wire.ts';

/**
 * Time entries: only counted. A ticket with time on it must not be closed from Backupchecks. A count
 * of 0 proves nothing on its own: an API member whose Time Entry inquire level is not `All` sees
 * none of the others' entries, without an error (docs/connectwise.md, Time entries).
 */

/** Time entries charge to a service ticket with this `chargeToType`. */
const SERVICE_TICKET = 'ServiceTicket';

/** `GET time/entries/count?conditions=chargeToType="ServiceTicket" AND chargeToId=N`. */
export async function countTimeEntriesForTicket(http: ConnectWiseHttp, ticketId: number): Promise<number> {
  return countOf(
    http,
    'timeEntries.countForTicket',
    'time/entries',
    cond.and(cond.eq('chargeToType', SERVICE_TICKET), cond.eq('chargeToId', validId(ticketId, 'ticket'))),
  );
}
