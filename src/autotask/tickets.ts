import { z } from 'zod';
import { AutotaskNotFoundError } from './errors.ts';
import type { AutotaskHttp } from './http.ts';
import { filter, queryAll, queryByValues } from './query.ts';
import type { CreatedTicket, NewTicket, Ticket } from './types.ts';
import {
  intish,
  itemEnvelope,
  itemIdEnvelope,
  optionalDate,
  optionalInt,
  optionalString,
  parseAnswer,
  validId,
} from './wire.ts';

/** Tickets: create, read, find by our reference or by number, read many, change status. Never deleted. */

const ticketWire = z
  .object({
    id: intish,
    ticketNumber: z.string(),
    title: optionalString,
    description: optionalString,
    companyID: intish,
    status: intish,
    priority: optionalInt,
    queueID: optionalInt,
    issueType: optionalInt,
    subIssueType: optionalInt,
    source: optionalInt,
    ticketType: optionalInt,
    externalID: optionalString,
    createDate: optionalDate,
    completedDate: optionalDate,
    lastActivityDate: optionalDate,
  })
  .transform((t): Ticket => ({
    id: t.id,
    ticketNumber: t.ticketNumber,
    title: t.title ?? '',
    description: t.description,
    companyId: t.companyID,
    status: t.status,
    priority: t.priority,
    queueId: t.queueID,
    issueType: t.issueType,
    subIssueType: t.subIssueType,
    source: t.source,
    ticketType: t.ticketType,
    externalId: t.externalID === '' ? null : t.externalID,
    createDate: t.createDate,
    completedDate: t.completedDate,
    lastActivityDate: t.lastActivityDate,
  }));

/** The create body in Autotask's field names; unset optional fields are left out. */
function ticketCreateBody(input: NewTicket): Record<string, unknown> {
  const body: Record<string, unknown> = {
    companyID: validId(input.companyId, 'company'),
    title: input.title,
    status: input.status,
    priority: input.priority,
  };
  const optional: [string, unknown][] = [
    ['description', input.description],
    ['queueID', input.queueId],
    ['issueType', input.issueType],
    ['subIssueType', input.subIssueType],
    ['source', input.source],
    ['ticketType', input.ticketType],
    ['ticketCategory', input.ticketCategory],
    ['billingCodeID', input.billingCodeId],
    ['externalID', input.externalId],
    ['contactID', input.contactId],
    ['dueDateTime', input.dueDateTime?.toISOString()],
  ];
  for (const [key, value] of optional) if (value !== undefined) body[key] = value;
  return body;
}

/** How `createTicket` ends after Autotask's answer. */
export interface CreateTicketOptions {
  /**
   * Default true: `GET Tickets/{id}` for the number Autotask gave it. False: only the POST, for a
   * caller that reads the ticket later itself (`ticket` is then null, `readBackError` too).
   */
  readonly readBack?: boolean;
}

/**
 * `POST Tickets`, then (unless `readBack: false`) `GET Tickets/{id}` for the number Autotask gave
 * it. Sent exactly once: on a timeout or dropped connection the error is `AutotaskUnavailableError`
 * (outcome unknown) and the caller settles it with `findTicketsByExternalId`. A failed read-back
 * does not lose the ticket: the id comes back with `ticket: null`.
 */
export async function createTicket(
  http: AutotaskHttp,
  input: NewTicket,
  options: CreateTicketOptions = {},
): Promise<CreatedTicket> {
  const operation = 'tickets.create';
  const data = await http.send({
    operation,
    method: 'POST',
    path: 'Tickets',
    body: ticketCreateBody(input),
    read: false,
  });
  const { itemId } = parseAnswer(itemIdEnvelope, data, { operation, method: 'POST', path: 'Tickets' });
  if (options.readBack === false) return { id: itemId, ticket: null, readBackError: null };
  try {
    return { id: itemId, ticket: await getTicket(http, itemId), readBackError: null };
  } catch (e) {
    return { id: itemId, ticket: null, readBackError: e instanceof Error ? e : new Error(String(e)) };
  }
}

/** One ticket by id. Throws `AutotaskNotFoundError` when Autotask has none. */
export async function getTicket(http: AutotaskHttp, id: number): Promise<Ticket> {
  const operation = 'tickets.get';
  const path = `Tickets/${validId(id, 'ticket')}`;
  const data = await http.send({ operation, method: 'GET', path, read: true });
  const { item } = parseAnswer(itemEnvelope(ticketWire), data, { operation, method: 'GET', path, read: true });
  if (!item)
    throw new AutotaskNotFoundError(
      200,
      [],
      { operation, method: 'GET', path, read: true },
      `Autotask has no ticket with ID ${id}, or the API user cannot see it.`,
    );
  return item;
}

/** Tickets whose `externalID` is exactly `externalId` (normally zero or one). */
export async function findTicketsByExternalId(http: AutotaskHttp, externalId: string): Promise<Ticket[]> {
  if (externalId.trim() === '') throw new TypeError('An external id to search for is required');
  return queryAll(http, {
    operation: 'tickets.findByExternalId',
    entity: 'Tickets',
    body: { filter: [filter.eq('externalID', externalId)] },
    item: ticketWire,
  });
}

/**
 * The ticket with this number (e.g. T20260113.0042), or null when Autotask returns none: numbers are
 * unique, and a ticket the API user may not see is absent in the same way (docs/autotask.md, Entity
 * URLs). Used to link a ticket opened in Autotask by hand; only ever reads.
 */
export async function findTicketByNumber(http: AutotaskHttp, ticketNumber: string): Promise<Ticket | null> {
  const wanted = ticketNumber.trim();
  if (wanted === '') throw new TypeError('A ticket number to search for is required');
  const found = await queryAll(http, {
    operation: 'tickets.findByNumber',
    entity: 'Tickets',
    body: { filter: [filter.eq('ticketNumber', wanted)] },
    item: ticketWire,
    maxItems: 1,
  });
  return found[0] ?? null;
}

/** Tickets for many ids, in batches of 500; ids Autotask does not return are absent. */
export async function getTickets(http: AutotaskHttp, ids: readonly number[]): Promise<Ticket[]> {
  return queryByValues(http, {
    operation: 'tickets.getMany',
    entity: 'Tickets',
    field: 'id',
    values: ids.map((id) => validId(id, 'ticket')),
    item: ticketWire,
  });
}

/** `PATCH Tickets {id, status}`. Sent once; an unknown outcome is settled by reading the ticket. */
export async function updateTicketStatus(http: AutotaskHttp, id: number, status: number): Promise<void> {
  // Any 2xx is success; the `{itemId}` Autotask sends back adds nothing.
  await http.send({
    operation: 'tickets.updateStatus',
    method: 'PATCH',
    path: 'Tickets',
    body: { id: validId(id, 'ticket'), status: validId(status, 'status') },
    read: false,
  });
}
