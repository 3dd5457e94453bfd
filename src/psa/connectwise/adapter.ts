import {
  ConnectWiseNotFoundError,
  DEFAULT_CODEBASE,
  internalNote,
  type Company,
  type ConnectWiseClient,
  type NewTicket,
  type Ticket,
  type TicketNote,
} from '../../connectwise/client.ts';
import type { ConnectWiseSettings } from '../../db/database.ts';
import { RuleError } from '../../errors/catalogue.ts';
import { paths } from '../../paths.ts';
import { translated } from '../errors.ts';
import type { NewInternalNote, NewRunTicket, PsaClient, PsaCompany, PsaNote, PsaTicket } from '../port.ts';
import { loginHost } from './access.ts';
import {
  isClosedStatusIn,
  isInactiveCompanyStatusIn,
  readConnectWiseLists,
  statusLabelIn,
  type ConnectWiseLists,
} from './lists.ts';

/**
 * ConnectWise behind the PSA port: the ConnectWise client with the saved settings applied. What is
 * ConnectWise's own stays here (docs/connectwise.md): a new ticket goes to the chosen board with its
 * new status, a priority by severity and the optional type, subtype and item; our reference is the
 * client's reference field; a ticket is closed by a board status flagged closed; an internal note
 * is one on the Internal thread only; the ticket number is the id.
 */

/** The columns of the settings row the adapter reads. */
export type ConnectWiseTicketSettings = Pick<
  ConnectWiseSettings,
  | 'boardId'
  | 'newStatusId'
  | 'closedStatusId'
  | 'typeId'
  | 'subTypeId'
  | 'itemId'
  | 'priorityErrorId'
  | 'priorityWarningId'
  | 'siteHost'
  | 'codebase'
  | 'companyId'
  | 'lists'
>;

export interface ConnectWiseAdapterOptions {
  /** Where people open ConnectWise (`ConnectWiseAccess.webOrigin`); default `https://<login host>`. */
  readonly webOrigin?: string | null | undefined;
}

const settingsUrl = paths.settings.connectwise;

export function connectWisePsaClient(
  client: ConnectWiseClient,
  settings: ConnectWiseTicketSettings,
  options: ConnectWiseAdapterOptions = {},
): PsaClient {
  const lists = readConnectWiseLists(settings.lists);
  const ticket = (t: Ticket) => psaTicketOf(t, lists);
  const company = (c: Company) => psaCompanyOf(c, lists);
  return {
    psa: 'connectwise',
    // Nothing to resolve before a write: the site is fixed by the settings.
    prepare: () => Promise.resolve(),
    testConnection: () => translated(async () => void (await client.testConnection())),
    searchCompanies: (name, search = {}) =>
      translated(async () => {
        const found = await client.searchCompanies(name, {
          includeDeleted: search.includeInactive ?? false,
          ...(search.limit !== undefined ? { limit: search.limit } : {}),
        });
        const companies = found.map(company);
        return search.includeInactive ? companies : companies.filter((c) => c.isActive);
      }),
    getCompany: (id) => translated(async () => company(await client.getCompany(id))),
    getCompanies: (ids) => translated(async () => (await client.getCompanies(ids)).map(company)),
    // ConnectWise answers a create with the ticket itself: `readBack` costs nothing here.
    createTicket: (input) =>
      translated(async () => {
        const created = await client.createTicket(connectWiseTicketInput(settings, input));
        return { id: created.id, ticket: created.ticket ? ticket(created.ticket) : null };
      }),
    getTicket: (id) => translated(async () => ticket(await client.getTicket(id))),
    getTickets: (ids) => translated(async () => (await client.getTickets(ids)).map(ticket)),
    findTicketsByReference: (reference) =>
      translated(async () => (await client.findTicketsByReference(reference)).map(ticket)),
    findTicketByNumber: (number) =>
      translated(async () => {
        const id = ticketIdOf(number);
        if (id === null) return null;
        try {
          return ticket(await client.getTicket(id));
        } catch (e) {
          if (e instanceof ConnectWiseNotFoundError) return null;
          throw e;
        }
      }),
    ticketUrl: (id) => translated(() => Promise.resolve(ticketUrl(settings, options.webOrigin, id))),
    closeTicket: (id) =>
      translated(async () => {
        if (settings.closedStatusId === null) {
          throw new RuleError('No closing status is set for ConnectWise tickets.', settingsUrl);
        }
        await client.updateTicketStatus(id, settings.closedStatusId);
      }),
    addInternalNote: (ticketId, note) => translated(() => client.addTicketNote(ticketId, internalNote(noteText(note)))),
    listTicketNotes: (ticketId) => translated(async () => (await client.listTicketNotes(ticketId)).map(psaNoteOf)),
    countTimeEntries: (ticketId) => translated(() => client.countTimeEntries(ticketId)),
  };
}

/**
 * The ConnectWise create body for a run's ticket: the product's fields, then the settings'
 * defaults. The client cuts the summary to ConnectWise's 100 characters (`src/connectwise/summary.ts`)
 * and writes the reference to its reference field (`src/connectwise/reference.ts`).
 */
export function connectWiseTicketInput(s: ConnectWiseTicketSettings, input: NewRunTicket): NewTicket {
  const priority = input.severity === 'error' ? s.priorityErrorId : s.priorityWarningId;
  if (s.boardId === null) throw new RuleError('No service board is set for new ConnectWise tickets.', settingsUrl);
  if (s.newStatusId === null) throw new RuleError('No status is set for new ConnectWise tickets.', settingsUrl);
  if (priority === null) {
    throw new RuleError('The ticket priorities for failed and warning runs are not set for ConnectWise.', settingsUrl);
  }
  return {
    companyId: input.companyId,
    boardId: s.boardId,
    statusId: s.newStatusId,
    priorityId: priority,
    summary: input.title,
    initialDescription: input.description,
    reference: input.reference,
    ...(s.typeId !== null ? { typeId: s.typeId } : {}),
    ...(s.subTypeId !== null ? { subTypeId: s.subTypeId } : {}),
    ...(s.itemId !== null ? { itemId: s.itemId } : {}),
    ...(input.contactId !== undefined ? { contactId: input.contactId } : {}),
  };
}

export function psaTicketOf(t: Ticket, lists: ConnectWiseLists): PsaTicket {
  return {
    id: t.id,
    number: String(t.id),
    title: t.summary,
    companyId: t.companyId,
    statusId: t.statusId,
    statusLabel: t.statusName ?? (t.statusId !== null ? statusLabelIn(lists, t.statusId) : null),
    // ConnectWise's own flag; the cached lists also count, for an answer read before the flag was set.
    closed: t.closed || isClosedStatusIn(lists, t.statusId),
    reference: t.reference,
  };
}

/** ConnectWise has no active flag on a company: deleted, or in a status flagged inactive, is inactive. */
export function psaCompanyOf(c: Company, lists: ConnectWiseLists): PsaCompany {
  return { id: c.id, name: c.name, isActive: !c.deleted && !isInactiveCompanyStatusIn(lists, c.statusId) };
}

/**
 * Only a note on the Internal thread alone is internal: the Discussion is the customer's thread,
 * and whether Resolution notes reach the customer is unverified (docs/connectwise.md, Ticket notes).
 */
function psaNoteOf(n: TicketNote): PsaNote {
  return { id: n.id, title: null, text: n.text, internal: n.internalAnalysis && !n.detailDescription && !n.resolution };
}

/** ConnectWise notes have no title: it leads the text, a blank line before the body. */
export function noteText(note: NewInternalNote): string {
  const title = note.title.trim();
  return title === '' ? note.text : `${title}\n\n${note.text}`;
}

/** The ticket id an operator typed (ConnectWise shows it as the number, often after a `#`), or null. */
export function ticketIdOf(number: string): number | null {
  const match = /^#?\s*(\d{1,15})$/.exec(number.trim());
  if (!match) return null;
  const id = Number(match[1]);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/**
 * The ticket as a signed-in user opens it (docs/connectwise.md, Service tickets, "Link for a
 * signed-in user"; one vendor page, unverified beyond it): the login host, the codebase and the
 * company ID select the site, `recordType=ServiceFV` the service ticket.
 */
export function ticketUrl(
  s: Pick<ConnectWiseSettings, 'siteHost' | 'codebase' | 'companyId'>,
  webOrigin: string | null | undefined,
  id: number,
): string {
  const origin = webOrigin ?? (s.siteHost ? `https://${loginHost(s.siteHost)}` : null);
  if (origin === null || !s.companyId) {
    throw new RuleError('No ConnectWise site is set.', settingsUrl);
  }
  const codebase = (s.codebase?.trim() || DEFAULT_CODEBASE).replace(/^\/+|\/+$/g, '');
  const query = new URLSearchParams({
    locale: 'en_US',
    companyName: s.companyId,
    recordType: 'ServiceFV',
    recid: String(id),
  });
  return `${origin.replace(/\/+$/, '')}/${codebase}/services/system_io/router/openrecord.rails?${query.toString()}`;
}
