/**
 * The simulated ConnectWise tenant: records, the API credentials, settings and the request log. Arrays are replaced
 * in place on reset, so references held by tests stay valid.
 */
import { insertSorted, nextFreeId, NotFoundInStateError, replace, RequestLog } from '@backupchecks/simulator-kit';
import type { RequestLogEntry } from './request-log.ts';
import * as seed from './seed.ts';
import {
  DEFAULT_CREDENTIALS,
  DEFAULT_SETTINGS,
  type ConnectWiseSettings,
  type SeedName,
  type StateOptions,
} from './settings.ts';
import type {
  BillableOption,
  Board,
  BoardItem,
  BoardStatus,
  BoardSubType,
  BoardType,
  Clock,
  Company,
  CompanyStatus,
  ConnectWiseCredentials,
  Contact,
  Member,
  Priority,
  ServiceNote,
  Ticket,
  TimeEntry,
} from './types.ts';

const ID_START = { companies: 300, tickets: 1100, notes: 5100, timeEntries: 7100 } as const;
type Collection = keyof typeof ID_START;

/**
 * What `snapshot()` returns and `restore()` takes: the records people and clients change, as plain JSON, so the app's
 * demo can keep its tenant in the data folder between runs. Setup lists (boards, statuses, priorities …), members and
 * settings are the seed's and are not part of it.
 */
export interface ConnectWiseSnapshot {
  version: 1;
  companies: Company[];
  contacts: Contact[];
  tickets: Ticket[];
  notes: ServiceNote[];
  timeEntries: TimeEntry[];
}

export interface TimeEntryInput {
  billable?: boolean;
  billableOption?: BillableOption;
  hours?: number;
  notes?: string;
  memberId?: number;
  /** The API member's security role does not let it see this entry. */
  hidden?: boolean;
}

export class ConnectWiseState {
  readonly seed: SeedName;
  readonly credentials: ConnectWiseCredentials;
  readonly settings: ConnectWiseSettings;
  readonly companyStatuses: CompanyStatus[] = [];
  readonly companies: Company[] = [];
  readonly contacts: Contact[] = [];
  readonly members: Member[] = [];
  readonly boards: Board[] = [];
  readonly statuses: BoardStatus[] = [];
  readonly priorities: Priority[] = [];
  readonly types: BoardType[] = [];
  readonly subTypes: BoardSubType[] = [];
  readonly items: BoardItem[] = [];
  readonly tickets: Ticket[] = [];
  readonly notes: ServiceNote[] = [];
  readonly timeEntries: TimeEntry[] = [];
  readonly #log = new RequestLog<RequestLogEntry>();
  readonly requestLog: RequestLogEntry[] = this.#log.entries;
  clock: Clock;
  #nextId: Record<Collection, number> = { ...ID_START };
  readonly #initialSettings: ConnectWiseSettings;

  constructor(options: StateOptions = {}) {
    this.seed = options.seed ?? 'demo';
    this.credentials = { ...DEFAULT_CREDENTIALS, ...options.credentials };
    this.clock = options.clock ?? (() => new Date());
    this.#initialSettings = { ...DEFAULT_SETTINGS, ...options.settings };
    this.settings = { ...this.#initialSettings, forbiddenResources: [...this.#initialSettings.forbiddenResources] };
    this.reset();
  }

  nowIso(): string {
    return this.clock()
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
  }

  /** Back to the seed: records, settings, request log. Boards, statuses and members are seeded even when empty. */
  reset(): void {
    const demo = this.seed === 'demo';
    replace(this.companyStatuses, seed.seedCompanyStatuses());
    replace(this.members, seed.seedMembers());
    replace(this.boards, seed.seedBoards());
    replace(this.statuses, seed.seedStatuses());
    replace(this.priorities, seed.seedPriorities());
    replace(this.types, seed.seedTypes());
    replace(this.subTypes, seed.seedSubTypes());
    replace(this.items, seed.seedItems());
    replace(this.companies, demo ? seed.seedCompanies() : []);
    replace(this.contacts, demo ? seed.seedContacts() : []);
    replace(this.tickets, demo ? seed.seedTickets() : []);
    replace(this.notes, demo ? seed.seedNotes() : []);
    replace(this.timeEntries, demo ? seed.seedTimeEntries() : []);
    Object.assign(this.settings, this.#initialSettings, {
      forbiddenResources: [...this.#initialSettings.forbiddenResources],
    });
    this.#log.reset();
    this.#nextId = { ...ID_START };
  }

  snapshot(): ConnectWiseSnapshot {
    return structuredClone({
      version: 1 as const,
      companies: this.companies,
      contacts: this.contacts,
      tickets: this.tickets,
      notes: this.notes,
      timeEntries: this.timeEntries,
    });
  }

  /** Replaces the records with a snapshot's (in place, so held references stay valid); new ids continue after them. */
  restore(snapshot: ConnectWiseSnapshot): void {
    const copy = structuredClone(snapshot);
    replace(this.companies, copy.companies);
    replace(this.contacts, copy.contacts);
    replace(this.tickets, copy.tickets);
    replace(this.notes, copy.notes);
    replace(this.timeEntries, copy.timeEntries);
  }

  // ---- lookups ----------------------------------------------------------------------------------

  company = (id: number) => this.companies.find((c) => c.id === id);
  companyStatus = (id: number) => this.companyStatuses.find((s) => s.id === id);
  contact = (id: number) => this.contacts.find((c) => c.id === id);
  member = (id: number) => this.members.find((m) => m.id === id);
  board = (id: number) => this.boards.find((b) => b.id === id);
  status = (id: number) => this.statuses.find((s) => s.id === id);
  priority = (id: number) => this.priorities.find((p) => p.id === id);
  type = (id: number) => this.types.find((t) => t.id === id);
  subType = (id: number) => this.subTypes.find((s) => s.id === id);
  item = (id: number) => this.items.find((i) => i.id === id);
  ticket = (id: number) => this.tickets.find((t) => t.id === id);
  note = (id: number) => this.notes.find((n) => n.id === id);
  timeEntry = (id: number) => this.timeEntries.find((e) => e.id === id);

  /** The member the API keys belong to (the first API member of the seed). */
  apiMember(): Member {
    const member = this.members.find((m) => m.licenseClass === 'A');
    if (!member) throw new Error('The simulator has no API member.');
    return member;
  }

  /**
   * Time entries the API member may see: with Inquire level `My` only its own; entries hidden from it one by one (as a
   * board or location restriction would) are absent, not refused.
   */
  visibleTimeEntries(): TimeEntry[] {
    const own = this.settings.timeEntryInquireLevel === 'My' ? this.apiMember().id : null;
    return this.timeEntries.filter((e) => !e.hiddenFromApiMember && (own === null || e.memberId === own));
  }

  nextId(collection: Collection): number {
    return nextFreeId(this.#nextId, collection, this[collection]);
  }

  // ---- request log ------------------------------------------------------------------------------

  logRequest(entry: Omit<RequestLogEntry, 'seq'>): RequestLogEntry {
    return this.#log.append(entry, this.settings.requestLogLimit);
  }

  clearRequestLog(): void {
    this.#log.clear();
  }

  // ---- what a ConnectWise user changes in the web UI ----------------------------------------------

  addCompany(input: Pick<Company, 'name'> & Partial<Company>): Company {
    const id = input.id ?? this.nextId('companies');
    if (this.company(id)) throw new Error(`A company with id ${id} already exists.`);
    const now = this.nowIso();
    const company: Company = {
      identifier: input.identifier ?? input.name.replace(/[^A-Za-z0-9]/g, '').slice(0, 30),
      statusId: 1,
      city: null,
      phoneNumber: null,
      deletedFlag: false,
      dateDeleted: null,
      deletedBy: null,
      dateEntered: now,
      lastUpdated: now,
      ...input,
      id,
    };
    insertSorted(this.companies, company);
    return company;
  }

  setCompanyStatus(id: number, statusId: number): Company {
    const company = must(this.company(id), 'company', id);
    must(this.companyStatus(statusId), 'company status', statusId);
    company.statusId = statusId;
    company.lastUpdated = this.nowIso();
    return company;
  }

  /** ConnectWise deletes companies softly: the record stays with deletedFlag set. */
  deleteCompany(id: number): Company {
    const company = must(this.company(id), 'company', id);
    company.deletedFlag = true;
    company.dateDeleted = this.nowIso();
    company.deletedBy = 'jdoe';
    company.lastUpdated = company.dateDeleted;
    return company;
  }

  /** Changes a ticket's status as a technician would; a closed status closes it (see applyStatus). */
  setTicketStatus(id: number, statusId: number, by = 'jdoe'): Ticket {
    const ticket = must(this.ticket(id), 'ticket', id);
    const status = must(this.status(statusId), 'status', statusId);
    if (status.boardId !== ticket.boardId) throw new Error(`Status ${statusId} is not on board ${ticket.boardId}.`);
    applyStatus(ticket, status, this.nowIso(), by);
    return ticket;
  }

  addTimeEntry(ticketId: number, input: TimeEntryInput = {}): TimeEntry {
    const ticket = must(this.ticket(ticketId), 'ticket', ticketId);
    const member = must(this.member(input.memberId ?? seed.MEMBER.jdoe), 'member', input.memberId ?? 0);
    const hours = input.hours ?? 0.25;
    const end = this.clock();
    const start = new Date(end.getTime() - Math.round(hours * 3_600_000));
    const option = input.billableOption ?? (input.billable === false ? 'DoNotBill' : 'Billable');
    const entry: TimeEntry = {
      id: this.nextId('timeEntries'),
      companyId: ticket.companyId,
      chargeToType: 'ServiceTicket',
      chargeToId: ticketId,
      memberId: member.id,
      timeStart: start.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      timeEnd: this.nowIso(),
      actualHours: hours,
      billableOption: option,
      notes: input.notes ?? (option === 'Billable' ? 'Remote support' : 'Internal work'),
      dateEntered: this.nowIso(),
      enteredBy: member.identifier,
      hiddenFromApiMember: input.hidden ?? false,
    };
    insertSorted(this.timeEntries, entry);
    return entry;
  }

  setTimeEntryHidden(id: number, hidden: boolean): TimeEntry {
    const entry = must(this.timeEntry(id), 'time entry', id);
    entry.hiddenFromApiMember = hidden;
    return entry;
  }

  /** Removes every time entry charged to the ticket; returns how many. */
  removeTimeEntries(ticketId: number): number {
    const keep = this.timeEntries.filter((e) => !(e.chargeToType === 'ServiceTicket' && e.chargeToId === ticketId));
    const removed = this.timeEntries.length - keep.length;
    replace(this.timeEntries, keep);
    return removed;
  }
}

/**
 * A status flagged closed closes the ticket (closedFlag, closedDate, closedBy); moving to an open status reopens it
 * and clears them (assumed: docs/connectwise.md, Closing a ticket).
 */
export function applyStatus(ticket: Ticket, status: BoardStatus, nowIso: string, by: string): void {
  if (status.closedStatus && !ticket.closedFlag) {
    ticket.closedFlag = true;
    ticket.closedDate = nowIso;
    ticket.closedBy = by;
  } else if (!status.closedStatus && ticket.closedFlag) {
    ticket.closedFlag = false;
    ticket.closedDate = null;
    ticket.closedBy = null;
  }
  ticket.statusId = status.id;
  ticket.lastUpdated = nowIso;
  ticket.updatedBy = by;
}

function must<T>(value: T | undefined, what: string, id: number): T {
  if (value === undefined) throw new NotFoundInStateError(what, id);
  return value;
}

export function createState(options: StateOptions = {}): ConnectWiseState {
  return new ConnectWiseState(options);
}
