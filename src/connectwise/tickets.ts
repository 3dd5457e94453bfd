import { z } from 'zod';
import { cond } from './conditions.ts';
import { ConnectWiseUnavailableError } from './errors.ts';
import type { ConnectWiseHttp } from './http.ts';
import { listAll, listByIds } from './paging.ts';
import { TICKET_REFERENCE_FIELD, validReference } from './reference.ts';
import { ticketSummary } from './summary.ts';
import type { CreatedTicket, NewTicket, Ticket } from './types.ts';
import { booleanish, intish, optionalDate, optionalString, parseAnswer, reference, validId } from './wire.ts';

/**
 * Service tickets: create, read, find by our reference, read many, change status. Never deleted.
 * The ticket facts: docs/connectwise.md, Service tickets and Closing a ticket.
 */

const PATH = 'service/tickets';

/** The fields `ticketWire` reads, asked for with `fields=`. */
export const TICKET_FIELDS: readonly string[] = [
  'id',
  'summary',
  'company/id',
  'company/name',
  'board/id',
  'board/name',
  'status/id',
  'status/name',
  'priority/id',
  'type/id',
  'subType/id',
  'item/id',
  'contact/id',
  TICKET_REFERENCE_FIELD,
  'closedFlag',
  'closedDate',
];

const ticketWire = z
  .object({
    id: intish,
    summary: optionalString,
    company: reference,
    board: reference,
    status: reference,
    priority: reference,
    type: reference,
    subType: reference,
    item: reference,
    contact: reference,
    [TICKET_REFERENCE_FIELD]: optionalString,
    closedFlag: booleanish(false),
    closedDate: optionalDate,
  })
  .transform((t): Ticket => ({
    id: t.id,
    summary: t.summary ?? '',
    companyId: t.company.id,
    companyName: t.company.name,
    boardId: t.board.id,
    boardName: t.board.name,
    statusId: t.status.id,
    statusName: t.status.name,
    priorityId: t.priority.id,
    typeId: t.type.id,
    subTypeId: t.subType.id,
    itemId: t.item.id,
    contactId: t.contact.id,
    reference: t[TICKET_REFERENCE_FIELD] === '' ? null : t[TICKET_REFERENCE_FIELD],
    closed: t.closedFlag,
    closedDate: t.closedDate,
  }));

/** Just the id of an answer that is not readable as a ticket otherwise. */
const idOnly = z.object({ id: intish });

/** A reference to another record, as ConnectWise takes it in a write. */
function ref(id: number, what: string): { id: number } {
  return { id: validId(id, what) };
}

/** The create body in ConnectWise's field names; unset optional fields are left out. */
export function ticketCreateBody(input: NewTicket): Record<string, unknown> {
  const body: Record<string, unknown> = {
    summary: ticketSummary(input.summary),
    company: ref(input.companyId, 'company'),
  };
  const optional: [string, number | undefined, string][] = [
    ['board', input.boardId, 'board'],
    ['status', input.statusId, 'status'],
    ['priority', input.priorityId, 'priority'],
    ['type', input.typeId, 'type'],
    ['subType', input.subTypeId, 'subtype'],
    ['item', input.itemId, 'item'],
    ['contact', input.contactId, 'contact'],
  ];
  for (const [key, id, what] of optional) if (id !== undefined) body[key] = ref(id, what);
  if (input.initialDescription !== undefined) body.initialDescription = input.initialDescription;
  body[TICKET_REFERENCE_FIELD] = validReference(input.reference);
  return body;
}

/**
 * `POST service/tickets`; ConnectWise answers 201 with the ticket. Sent exactly once: on a timeout,
 * dropped connection or 5xx the error is `ConnectWiseUnavailableError` (outcome unknown) and the
 * caller settles it with `findTicketsByReference`. An answer with an id but an unexpected shape
 * still returns the id (`ticket: null`), so a created ticket is never lost.
 */
export async function createTicket(http: ConnectWiseHttp, input: NewTicket): Promise<CreatedTicket> {
  const operation = 'tickets.create';
  const body = ticketCreateBody(input);
  const answer = await http.send({ operation, method: 'POST', path: PATH, body, read: false });
  const parsed = ticketWire.safeParse(answer.data);
  if (parsed.success) return { id: parsed.data.id, ticket: parsed.data };
  const { id } = parseAnswer(idOnly, answer.data, { operation, method: 'POST', path: PATH });
  return { id, ticket: null };
}

/** One ticket by id. Throws `ConnectWiseNotFoundError` when ConnectWise has none. */
export async function getTicket(http: ConnectWiseHttp, id: number): Promise<Ticket> {
  const operation = 'tickets.get';
  const path = `${PATH}/${validId(id, 'ticket')}`;
  const answer = await http.send({
    operation,
    method: 'GET',
    path,
    query: { fields: TICKET_FIELDS.join(',') },
    read: true,
  });
  return parseAnswer(ticketWire, answer.data, { operation, method: 'GET', path, read: true });
}

/** Enough for a reference that is unique; more hits than this are a conflict for the operator anyway. */
const REFERENCE_MATCHES = 25;

/**
 * Tickets carrying our reference (normally zero or one), oldest first. ConnectWise's answer is
 * checked again here: a ticket without the reference means the condition was not applied
 * (`reference.ts`), and that is an error rather than a wrong "found" or "not found".
 */
export async function findTicketsByReference(http: ConnectWiseHttp, referenceValue: string): Promise<Ticket[]> {
  const operation = 'tickets.findByReference';
  const wanted = validReference(referenceValue);
  const found = await listAll(http, {
    operation,
    path: PATH,
    conditions: cond.eq(TICKET_REFERENCE_FIELD, wanted),
    orderBy: 'id asc',
    fields: TICKET_FIELDS,
    item: ticketWire,
    pageSize: REFERENCE_MATCHES,
    maxItems: REFERENCE_MATCHES,
  });
  if (found.some((t) => t.reference?.toLowerCase() !== wanted.toLowerCase())) {
    throw new ConnectWiseUnavailableError(
      'bad_response',
      200,
      { code: null, messages: [], fieldErrors: [] },
      { operation, method: 'GET', path: PATH, read: true },
      `ConnectWise returned tickets without the reference that was searched for; ${TICKET_REFERENCE_FIELD} may not be searchable on this site.`,
    );
  }
  return found.filter((t) => t.reference === wanted);
}

/** Tickets for many ids, in batches (`paging.ts`); ids ConnectWise does not return are absent. */
export async function getTickets(http: ConnectWiseHttp, ids: readonly number[]): Promise<Ticket[]> {
  return listByIds(http, {
    operation: 'tickets.getMany',
    path: PATH,
    ids: ids.map((id) => validId(id, 'ticket')),
    fields: TICKET_FIELDS,
    item: ticketWire,
  });
}

/**
 * `PATCH service/tickets/{id}` with a JSON Patch array setting the status. Closing means a status of
 * the ticket's board with `closedStatus`. Sent once; an unknown outcome is settled by reading the
 * ticket. Any 2xx is success; the ticket ConnectWise sends back is not needed.
 */
export async function updateTicketStatus(http: ConnectWiseHttp, id: number, statusId: number): Promise<void> {
  const path = `${PATH}/${validId(id, 'ticket')}`;
  await http.send({
    operation: 'tickets.updateStatus',
    method: 'PATCH',
    path,
    body: [{ op: 'replace', path: 'status', value: ref(statusId, 'status') }],
    read: false,
  });
}
