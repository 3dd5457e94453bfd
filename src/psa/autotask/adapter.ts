import type { AutotaskClient, NewTicket } from '../../autotask/client.ts';
import { NOTE_PUBLISH_INTERNAL, TICKET_STATUS_COMPLETE, type Company, type Ticket } from '../../autotask/types.ts';
import type { IntegrationSettings } from '../../db/database.ts';
import { RuleError } from '../../errors/catalogue.ts';
import { paths } from '../../paths.ts';
import { statusLabelFrom } from '../../services/tickets/status-snapshots.ts';
import { translated } from '../errors.ts';
import type { NewRunTicket, PsaClient, PsaCompany, PsaNote, PsaTicket } from '../port.ts';

/**
 * Autotask behind the PSA port: the Autotask client with the saved settings applied. What is
 * Autotask's own stays here: a new ticket's queue, issue types, source and the fields tenants
 * require (docs/autotask.md, Tickets); Complete (5) is the closing status; an internal note is a
 * note of the chosen note type published "Internal".
 */

export const AUTOTASK_COMPLETE_STATUS = TICKET_STATUS_COMPLETE;

type TicketDefaults = Pick<
  IntegrationSettings,
  | 'newStatusId'
  | 'priorityErrorId'
  | 'priorityWarningId'
  | 'queueId'
  | 'issueTypeId'
  | 'subIssueTypeId'
  | 'sourceId'
  | 'billingCodeId'
  | 'ticketCategoryId'
  | 'ticketTypeId'
  | 'noteTypeId'
  | 'picklists'
>;

export function autotaskPsaClient(client: AutotaskClient, settings: TicketDefaults): PsaClient {
  const ticket = (t: Ticket) => psaTicketOf(t, settings.picklists);
  return {
    psa: 'autotask',
    prepare: () => translated(async () => void (await client.getZone())),
    testConnection: () => translated(async () => void (await client.testConnection())),
    searchCompanies: (name, options) =>
      translated(async () => (await client.searchCompanies(name, options)).map(psaCompanyOf)),
    getCompany: (id) => translated(async () => psaCompanyOf(await client.getCompany(id))),
    getCompanies: (ids) => translated(async () => (await client.getCompanies(ids)).map(psaCompanyOf)),
    createTicket: (input, options) =>
      translated(async () => {
        const created = await client.createTicket(autotaskTicketInput(settings, input), options);
        return { id: created.id, ticket: created.ticket ? ticket(created.ticket) : null };
      }),
    getTicket: (id) => translated(async () => ticket(await client.getTicket(id))),
    getTickets: (ids) => translated(async () => (await client.getTickets(ids)).map(ticket)),
    findTicketsByReference: (reference) =>
      translated(async () => (await client.findTicketsByExternalId(reference)).map(ticket)),
    findTicketByNumber: (number) =>
      translated(async () => {
        const found = await client.findTicketByNumber(number);
        return found ? ticket(found) : null;
      }),
    ticketUrl: (id) => translated(() => client.ticketUrl(id)),
    closeTicket: (id) => translated(() => client.updateTicketStatus(id, AUTOTASK_COMPLETE_STATUS)),
    addInternalNote: (ticketId, note) =>
      translated(() =>
        client.addTicketNote(ticketId, {
          title: note.title,
          description: note.text,
          noteType: noteTypeOf(settings),
          publish: NOTE_PUBLISH_INTERNAL,
        }),
      ),
    listTicketNotes: (ticketId) =>
      translated(async () =>
        (await client.listTicketNotes(ticketId)).map((n): PsaNote => ({
          id: n.id,
          title: n.title,
          text: n.description,
          internal: n.publish === NOTE_PUBLISH_INTERNAL,
        })),
      ),
    countTimeEntries: (ticketId) => translated(() => client.countTimeEntries(ticketId)),
  };
}

export function psaCompanyOf(c: Company): PsaCompany {
  return { id: c.id, name: c.name, isActive: c.isActive };
}

export function psaTicketOf(t: Ticket, picklists: unknown): PsaTicket {
  return {
    id: t.id,
    number: t.ticketNumber,
    title: t.title,
    companyId: t.companyId,
    statusId: t.status,
    statusLabel: statusLabelFrom(picklists, t.status),
    closed: t.status === AUTOTASK_COMPLETE_STATUS,
    reference: t.externalId,
  };
}

function noteTypeOf(settings: Pick<IntegrationSettings, 'noteTypeId'>): number {
  if (settings.noteTypeId === null) {
    throw new RuleError('No note type is set for Autotask notes.', paths.settings.autotask);
  }
  return settings.noteTypeId;
}

/**
 * The Autotask create body for a run's ticket: the product's fields, then Settings' defaults. The
 * fields many tenants require (docs/autotask.md, Tickets) are sent only when set; the contact
 * belongs to the company it was chosen for.
 */
export function autotaskTicketInput(s: TicketDefaults, input: NewRunTicket): NewTicket {
  const priority = input.severity === 'error' ? s.priorityErrorId : s.priorityWarningId;
  if (s.newStatusId === null || priority === null) {
    throw new RuleError(
      'Ticket priorities or the new-ticket status are not set for Autotask.',
      paths.settings.autotask,
    );
  }
  return {
    companyId: input.companyId,
    title: input.title,
    description: input.description,
    status: s.newStatusId,
    priority,
    externalId: input.reference,
    ...(s.queueId !== null ? { queueId: s.queueId } : {}),
    ...(s.issueTypeId !== null ? { issueType: s.issueTypeId } : {}),
    ...(s.subIssueTypeId !== null ? { subIssueType: s.subIssueTypeId } : {}),
    ...(s.sourceId !== null ? { source: s.sourceId } : {}),
    ...(s.billingCodeId !== null ? { billingCodeId: s.billingCodeId } : {}),
    ...(s.ticketCategoryId !== null ? { ticketCategory: s.ticketCategoryId } : {}),
    ...(s.ticketTypeId !== null ? { ticketType: s.ticketTypeId } : {}),
    ...(input.contactId !== undefined ? { contactId: input.contactId } : {}),
  };
}
