/**
 * The simulator's tenant: its records, picklists, API users and counters, plus the helpers tests
 * and the `/__sim/` control API use to change Autotask "behind the app's back" (rename, deactivate
 * or delete a company; add or remove time entries; complete a ticket).
 *
 * Helpers bypass API validation on purpose: they model what an Autotask user does in the web UI.
 * Collections are arrays sorted by id (the API answers in ascending id order) and are
 * mutated in place on reset so references held by tests stay valid.
 */
import { insertSorted, nextFreeId, NotFoundInStateError, replace, RequestLog } from '@backupchecks/simulator-kit';
import { ENTITIES } from './entities.ts';
import { buildCompany, buildNote, buildTicket, buildTimeEntry } from './records.ts';
import type { RequestLogEntry } from './request-log.ts';
import { DEMO_USER, demoCompanies, demoNotes, demoTickets, demoTimeEntries } from './seed-data.ts';
import { demoPicklists } from './seed-picklists.ts';
import { buildContact, demoBillingCodes, demoContacts } from './seed-tenant-fields.ts';
import {
  DEFAULT_SETTINGS,
  type SeedName,
  type SimulatorSettings,
  type SimulatorSnapshot,
  type StateOptions,
} from './settings.ts';
import { RequestCounter } from './threshold.ts';
import type {
  BillingCode,
  Clock,
  Company,
  Contact,
  EntityName,
  PicklistValue,
  Picklists,
  SimUser,
  Ticket,
  TicketNote,
  TimeEntry,
} from './types.ts';
import { ENTITY_NAMES } from './types.ts';

const ID_START = {
  companies: 1000,
  tickets: 7100,
  ticketNotes: 20100,
  timeEntries: 30100,
  billingCodes: 29683000,
  contacts: 30683000,
} as const;
type Collection = keyof typeof ID_START;

export class SimulatorState {
  readonly seed: SeedName;
  readonly companies: Company[] = [];
  readonly tickets: Ticket[] = [];
  readonly ticketNotes: TicketNote[] = [];
  readonly timeEntries: TimeEntry[] = [];
  readonly billingCodes: BillingCode[] = [];
  readonly contacts: Contact[] = [];
  readonly picklists = Object.fromEntries(ENTITY_NAMES.map((e) => [e, {}])) as Picklists;
  readonly users: SimUser[] = [];
  readonly #log = new RequestLog<RequestLogEntry>();
  readonly requestLog: RequestLogEntry[] = this.#log.entries;
  readonly settings: SimulatorSettings;
  readonly requestCounter = new RequestCounter();
  clock: Clock;
  #nextId: Record<Collection, number> = { ...ID_START };
  readonly #initialSettings: SimulatorSettings;
  readonly #initialUsers: readonly SimUser[];

  constructor(options: StateOptions = {}) {
    this.seed = options.seed ?? 'demo';
    this.#initialUsers = (options.users ?? [{ ...DEMO_USER }]).map((u) => ({ ...u }));
    if (this.#initialUsers.length === 0) throw new Error('The simulator needs at least one API user.');
    this.clock = options.clock ?? (() => new Date());
    this.#initialSettings = { ...DEFAULT_SETTINGS, ...options.settings };
    this.settings = { ...this.#initialSettings };
    this.reset();
  }

  now(): Date {
    return this.clock();
  }

  nowIso(): string {
    return this.clock().toISOString();
  }

  /** Back to the seed: records, picklists, settings, request log and threshold counter. */
  reset(): void {
    const nowIso = this.nowIso();
    const demo = this.seed === 'demo';
    replace(
      this.companies,
      demo
        ? demoCompanies().map((c) =>
            buildCompany(
              {
                ...c,
                createDate: '2025-06-01T09:00:00.000Z',
                lastActivityDate: '2025-06-01T09:00:00.000Z',
                lastTrackedModifiedDateTime: '2025-06-01T09:00:00.000Z',
              },
              nowIso,
            ),
          )
        : [],
    );
    replace(this.tickets, demo ? demoTickets().map((t) => buildTicket(t, nowIso)) : []);
    replace(this.ticketNotes, demo ? demoNotes().map((n) => buildNote(n, nowIso)) : []);
    replace(
      this.timeEntries,
      demo
        ? demoTimeEntries(this.now()).map((e) => buildTimeEntry({ ...e, createDateTime: e.dateWorked }, nowIso))
        : [],
    );
    // Permissions changed through the control API go back to how the users were configured.
    replace(
      this.users,
      this.#initialUsers.map((u) => ({ ...u })),
    );
    // Every tenant has billing codes; the contacts belong to demo companies.
    replace(this.billingCodes, demoBillingCodes());
    replace(this.contacts, demo ? demoContacts().map((c) => buildContact(c, nowIso)) : []);
    const picklists = demoPicklists();
    for (const entity of Object.keys(picklists) as EntityName[]) this.picklists[entity] = picklists[entity];
    Object.assign(this.settings, this.#initialSettings);
    this.#log.reset();
    this.requestCounter.clear();
    this.#nextId = { ...ID_START };
  }

  // ---- persistence (the demo keeps its tickets across restarts) -------------------------------

  /** The tenant's records and picklists as plain JSON. Faults, counters and the request log are not part of it. */
  snapshot(): SimulatorSnapshot {
    return structuredClone({
      version: 1 as const,
      companies: this.companies,
      tickets: this.tickets,
      ticketNotes: this.ticketNotes,
      timeEntries: this.timeEntries,
      billingCodes: this.billingCodes,
      contacts: this.contacts,
      picklists: this.picklists,
    });
  }

  /** Replaces the records and picklists with a snapshot's (in place, so held references stay valid). */
  restore(snapshot: SimulatorSnapshot): void {
    const copy = structuredClone(snapshot);
    replace(this.companies, copy.companies);
    replace(this.tickets, copy.tickets);
    replace(this.ticketNotes, copy.ticketNotes);
    replace(this.timeEntries, copy.timeEntries);
    // Snapshots saved before these entities existed keep the seeded ones.
    if (copy.billingCodes) replace(this.billingCodes, copy.billingCodes);
    if (copy.contacts) replace(this.contacts, copy.contacts);
    for (const entity of Object.keys(copy.picklists) as EntityName[]) this.picklists[entity] = copy.picklists[entity];
  }

  // ---- lookups -------------------------------------------------------------------------------

  company(id: number): Company | undefined {
    return this.companies.find((c) => c.id === id);
  }

  ticket(id: number): Ticket | undefined {
    return this.tickets.find((t) => t.id === id);
  }

  ticketByNumber(ticketNumber: string): Ticket | undefined {
    const wanted = ticketNumber.trim().toLowerCase();
    return this.tickets.find((t) => t.ticketNumber.toLowerCase() === wanted);
  }

  notesOf(ticketId: number): TicketNote[] {
    return this.ticketNotes.filter((n) => n.ticketID === ticketId);
  }

  timeEntriesOf(ticketId: number): TimeEntry[] {
    return this.timeEntries.filter((e) => e.ticketID === ticketId);
  }

  user(username: string): SimUser | undefined {
    const wanted = username.trim().toLowerCase();
    return this.users.find((u) => u.username.toLowerCase() === wanted);
  }

  picklist(entity: EntityName, field: string): PicklistValue[] {
    return this.picklists[entity][field] ?? [];
  }

  picklistLabel(entity: EntityName, field: string, value: number | null): string | null {
    if (value === null) return null;
    return this.picklist(entity, field).find((p) => p.value === String(value))?.label ?? null;
  }

  /** Records of one entity, for the generic query code. */
  records(entity: EntityName): readonly object[] {
    return this[ENTITIES[entity].collection];
  }

  /**
   * Records of one entity as an API user sees them: without "Can view non-billable time entries"
   * the non-billable TimeEntries are simply absent (docs/autotask.md, Time entries).
   */
  visibleRecords(entity: EntityName, user: SimUser | null): readonly object[] {
    const all = this.records(entity);
    if (entity !== 'TimeEntries' || !user || user.canViewNonBillable !== false) return all;
    return (all as readonly TimeEntry[]).filter((e) => !e.isNonBillable);
  }

  /** Grants or withdraws "Can view non-billable time entries" for one API user (default: the first). */
  setCanViewNonBillable(allowed: boolean, username?: string): SimUser {
    const user = username === undefined ? this.users[0] : this.user(username);
    if (!user) throw new Error(`No API user ${username ?? ''}.`);
    user.canViewNonBillable = allowed;
    return user;
  }

  /** The next free id: past the counter and past any id a test inserted by hand. */
  nextId(collection: Collection): number {
    return nextFreeId(this.#nextId, collection, this[collection]);
  }

  /** `T` + UTC `YYYYMMDD` + `.` + a 4-digit sequence that restarts every day (docs/autotask.md, Ticket number). */
  nextTicketNumber(at: Date = this.now()): string {
    const day = at.toISOString().slice(0, 10).replaceAll('-', '');
    const prefix = `T${day}.`;
    let max = 0;
    for (const t of this.tickets) {
      if (!t.ticketNumber.startsWith(prefix)) continue;
      const seq = Number.parseInt(t.ticketNumber.slice(prefix.length, prefix.length + 4), 10);
      if (Number.isFinite(seq) && seq > max) max = seq;
    }
    return `${prefix}${String(max + 1).padStart(4, '0')}`;
  }

  // ---- request log ---------------------------------------------------------------------------

  logRequest(entry: Omit<RequestLogEntry, 'seq'>): RequestLogEntry {
    return this.#log.append(entry, this.settings.requestLogLimit);
  }

  clearRequestLog(): void {
    this.#log.clear();
  }

  // ---- helpers: what an Autotask user changes in the web UI ---------------------------------

  addCompany(input: Partial<Company> & Pick<Company, 'companyName'>): Company {
    const id = input.id ?? this.nextId('companies');
    if (this.company(id)) throw new Error(`A company with id ${id} already exists.`);
    const company = buildCompany({ ...input, id }, this.nowIso());
    insertSorted(this.companies, company);
    return company;
  }

  renameCompany(id: number, companyName: string): Company {
    const company = this.#mustCompany(id);
    company.companyName = companyName;
    this.#touchCompany(company);
    return company;
  }

  deactivateCompany(id: number): Company {
    const company = this.#mustCompany(id);
    company.isActive = false;
    this.#touchCompany(company);
    return company;
  }

  activateCompany(id: number): Company {
    const company = this.#mustCompany(id);
    company.isActive = true;
    this.#touchCompany(company);
    return company;
  }

  /** Removes the company outright (the API then answers `{"item":null}`). Its tickets stay. */
  deleteCompany(id: number): Company {
    const index = this.companies.findIndex((c) => c.id === id);
    const company = this.companies[index];
    if (!company) throw new NotFoundInStateError('company', id);
    this.companies.splice(index, 1);
    return company;
  }

  /** Creates a ticket without API validation (a ticket someone made in the Autotask UI). */
  addTicket(input: Partial<Ticket> & Pick<Ticket, 'title' | 'companyID'>): Ticket {
    const now = this.now();
    const id = input.id ?? this.nextId('tickets');
    if (this.ticket(id)) throw new Error(`A ticket with id ${id} already exists.`);
    const ticket = buildTicket(
      {
        status: 1,
        priority: 2,
        ...input,
        id,
        ticketNumber: input.ticketNumber ?? this.nextTicketNumber(now),
      },
      now.toISOString(),
    );
    if (ticket.status === 5 && ticket.completedDate === null) ticket.completedDate = now.toISOString();
    insertSorted(this.tickets, ticket);
    return ticket;
  }

  /** Changes a ticket's status the way Autotask does: Complete (5) stamps completedDate, reopening clears it. */
  setTicketStatus(id: number, status: number, resourceId?: number): Ticket {
    const ticket = this.#mustTicket(id);
    applyStatus(ticket, status, this.nowIso(), resourceId ?? null);
    return ticket;
  }

  addTimeEntry(
    ticketId: number,
    options: { billable?: boolean; hours?: number; summaryNotes?: string; resourceId?: number } = {},
  ): TimeEntry {
    this.#mustTicket(ticketId);
    const nowIso = this.nowIso();
    const entry = buildTimeEntry(
      {
        id: this.nextId('timeEntries'),
        ticketID: ticketId,
        hoursWorked: options.hours ?? 0.25,
        isNonBillable: options.billable === false,
        summaryNotes: options.summaryNotes ?? (options.billable === false ? 'Internal work' : 'Remote support'),
        ...(options.resourceId === undefined ? {} : { resourceID: options.resourceId }),
      },
      nowIso,
    );
    insertSorted(this.timeEntries, entry);
    const ticket = this.ticket(ticketId);
    if (ticket) ticket.lastActivityDate = nowIso;
    return entry;
  }

  /** Removes every time entry on the ticket; returns how many were removed. */
  removeTimeEntries(ticketId: number): number {
    const before = this.timeEntries.length;
    replace(
      this.timeEntries,
      this.timeEntries.filter((e) => e.ticketID !== ticketId),
    );
    return before - this.timeEntries.length;
  }

  removeTimeEntry(id: number): TimeEntry {
    const index = this.timeEntries.findIndex((e) => e.id === id);
    const entry = this.timeEntries[index];
    if (!entry) throw new NotFoundInStateError('time entry', id);
    this.timeEntries.splice(index, 1);
    return entry;
  }

  addNote(ticketId: number, input: Partial<TicketNote> & Pick<TicketNote, 'title' | 'description'>): TicketNote {
    this.#mustTicket(ticketId);
    const note = buildNote(
      { noteType: 1, publish: 1, ...input, id: input.id ?? this.nextId('ticketNotes'), ticketID: ticketId },
      this.nowIso(),
    );
    insertSorted(this.ticketNotes, note);
    return note;
  }

  #mustCompany(id: number): Company {
    const company = this.company(id);
    if (!company) throw new NotFoundInStateError('company', id);
    return company;
  }

  #mustTicket(id: number): Ticket {
    const ticket = this.ticket(id);
    if (!ticket) throw new NotFoundInStateError('ticket', id);
    return ticket;
  }

  #touchCompany(company: Company): void {
    const nowIso = this.nowIso();
    company.lastActivityDate = nowIso;
    company.lastTrackedModifiedDateTime = nowIso;
  }
}

/** Complete is status 5 with completedDate set; moving away from Complete clears it. */
export function applyStatus(ticket: Ticket, status: number, nowIso: string, resourceId: number | null): void {
  const wasComplete = ticket.status === 5;
  ticket.status = status;
  if (status === 5 && !wasComplete) {
    ticket.completedDate = nowIso;
    ticket.completedByResourceID = resourceId;
  } else if (status !== 5 && wasComplete) {
    ticket.completedDate = null;
    ticket.completedByResourceID = null;
  }
  ticket.lastActivityDate = nowIso;
  ticket.lastTrackedModificationDateTime = nowIso;
}

export function createState(options: StateOptions = {}): SimulatorState {
  return new SimulatorState(options);
}
