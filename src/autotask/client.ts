/**
 * Autotask REST client: the only code in Backupchecks that talks HTTP to Autotask.
 *
 *   const autotask = createAutotaskClient({ credentials, environment, zoneLookupUrl, zoneCache, recorder, logLevel, logger });
 *
 * Public surface (everything async; errors are the classes of `errors.ts`):
 *   getZone()                       zone of the API user (cached ~12 h, re-resolved on 401)
 *   testConnection()                fresh zone lookup + ThresholdInformation: proves the credentials work
 *   searchCompanies(name, opts?)    active companies whose name contains `name` (up to opts.limit, default 25)
 *   getCompany(id)                  one company; AutotaskNotFoundError when absent
 *   getCompanies(ids)               many companies, batched `in` queries of ≤ 500
 *   createTicket(input, opts?)      POST once, read back (unless readBack: false); { id, ticket | null, readBackError }
 *   getTicket(id)                   one ticket; AutotaskNotFoundError when absent
 *   findTicketsByExternalId(ref)    tickets carrying our reference (settles an unknown create outcome)
 *   findTicketByNumber(number)      the ticket with this number, or null (links a ticket opened by hand)
 *   getTickets(ids)                 many tickets, batched
 *   updateTicketStatus(id, status)  PATCH { id, status }, sent once
 *   addTicketNote(ticketId, note)   POST Tickets/{id}/Notes, sent once; returns the note id
 *   listTicketNotes(ticketId)       notes on a ticket (settles an unknown note outcome)
 *   countTimeEntries(ticketId)      number of time entries on a ticket
 *   countNonBillableTimeEntries(since)  tenant-wide non-billable entries worked since a day
 *   getTicketPicklists()            status, priority, queue, issue/sub-issue type, source, ticket type
 *   getTicketNotePicklists()        note type, publish
 *   getWorkTypes()                  Work Types (BillingCodes with useType 1), inactive ones included
 *   listActiveContacts(companyId)   a company's active contacts
 *   getContact(id)                  one contact; AutotaskNotFoundError when absent
 *   getContacts(ids)                many contacts, active or not, batched
 *   getThresholdInformation()       hourly request budget and use
 *   ticketUrl(ticketId)             web link to the ticket in this tenant's zone
 *
 * Writes (createTicket, updateTicketStatus, addTicketNote) are never retried here; when they fail with
 * `isOutcomeUnknown(err)` the caller looks before it writes again, and when `isThreadThreshold(err)`
 * the caller may send again after its lookup shows the write did not happen (`mayResendAfterCheck`). Reads are retried on a dropped
 * connection, 429 and 503. At most 3 requests per entity endpoint run at once per integration code.
 */
import type { PsaClientOptions } from '../psa-http/exchange.ts';
import { getWorkTypes } from './billing-codes.ts';
import { getCompanies, getCompany, searchCompanies, type CompanySearchOptions } from './companies.ts';
import { getContact, getContacts, listActiveContacts } from './contacts.ts';
import { sharedEndpointLimiter, type EndpointLimiter } from './concurrency.ts';
import { createHttp, type AutotaskHttp } from './http.ts';
import { ticketUrl } from './links.ts';
import { addTicketNote, listTicketNotes } from './notes.ts';
import { getTicketNotePicklists, getTicketPicklists } from './picklists.ts';
import { getThresholdInformation } from './threshold.ts';
import type { HttpMethod } from './transport.ts';
import {
  createTicket,
  findTicketByNumber,
  type CreateTicketOptions,
  findTicketsByExternalId,
  getTicket,
  getTickets,
  updateTicketStatus,
} from './tickets.ts';
import { countNonBillableTimeEntriesSince, countTimeEntriesForTicket } from './time-entries.ts';
import type { AutotaskErrorKind } from './errors.ts';
import type {
  AutotaskCredentials,
  AutotaskEnvironment,
  AutotaskZone,
  Company,
  ConnectionCheck,
  Contact,
  CreatedTicket,
  NewTicket,
  NewTicketNote,
  Ticket,
  TicketNote,
  TicketNotePicklists,
  TicketPicklists,
  ThresholdInfo,
  WorkType,
} from './types.ts';
import { DEFAULT_ZONE_TTL_MS, InMemoryZoneCache, type ZoneCache } from './zone.ts';

/** The options of every PSA client (timeout, API call log, logger, retries, deadline), and Autotask's. */
export interface AutotaskClientOptions extends PsaClientOptions<AutotaskErrorKind, HttpMethod> {
  readonly credentials: AutotaskCredentials;
  readonly environment: AutotaskEnvironment;
  /** Zone lookup root instead of Autotask's (AUTOTASK_ZONE_LOOKUP_URL, or the simulator's URL). */
  readonly zoneLookupUrl?: string | undefined;
  /** Default: in memory, per client. */
  readonly zoneCache?: ZoneCache | undefined;
  /** Default 12 h. */
  readonly zoneTtlMs?: number | undefined;
  /** Default: shared by every client in this process with the same integration code, 3 per endpoint. */
  readonly limiter?: EndpointLimiter | undefined;
}

export interface AutotaskClient {
  /** The zone of the API user: cached, looked up when stale. */
  getZone(): Promise<AutotaskZone>;
  /** Forgets the cached zone and proves the credentials with one authenticated call. */
  testConnection(): Promise<ConnectionCheck>;

  /** Companies whose name contains `name`; active only unless `includeInactive`. */
  searchCompanies(name: string, options?: CompanySearchOptions): Promise<readonly Company[]>;
  /** One company; throws AutotaskNotFoundError when Autotask has none. */
  getCompany(id: number): Promise<Company>;
  /** Companies for many ids (batches of 500); missing ids are absent from the result. */
  getCompanies(ids: readonly number[]): Promise<readonly Company[]>;

  /** Creates a ticket (sent once) and reads it back for its number, unless `readBack: false`. */
  createTicket(input: NewTicket, options?: CreateTicketOptions): Promise<CreatedTicket>;
  /** One ticket; throws AutotaskNotFoundError when Autotask has none. */
  getTicket(id: number): Promise<Ticket>;
  /** Tickets whose externalID equals `externalId`. */
  findTicketsByExternalId(externalId: string): Promise<readonly Ticket[]>;
  /** The ticket with this number (any letter case), or null when Autotask returns none. */
  findTicketByNumber(ticketNumber: string): Promise<Ticket | null>;
  /** Tickets for many ids (batches of 500); missing ids are absent from the result. */
  getTickets(ids: readonly number[]): Promise<readonly Ticket[]>;
  /** Sets a ticket's status (sent once). */
  updateTicketStatus(id: number, status: number): Promise<void>;

  /** Adds a note to a ticket (sent once); returns the note id. */
  addTicketNote(ticketId: number, note: NewTicketNote): Promise<number>;
  /** Notes on a ticket, oldest first. */
  listTicketNotes(ticketId: number): Promise<readonly TicketNote[]>;

  /** Number of time entries on a ticket. */
  countTimeEntries(ticketId: number): Promise<number>;
  /** Non-billable time entries of the whole tenant worked since the UTC day of `since`, as the API user sees them. */
  countNonBillableTimeEntries(since: Date): Promise<number>;

  /** Ticket picklists from the tenant's metadata. */
  getTicketPicklists(): Promise<TicketPicklists>;
  /** Ticket note picklists from the tenant's metadata. */
  getTicketNotePicklists(): Promise<TicketNotePicklists>;
  /** The tenant's Work Types (BillingCodes with useType 1), inactive ones included. */
  getWorkTypes(): Promise<readonly WorkType[]>;

  /** The active contacts of a company. */
  listActiveContacts(companyId: number): Promise<readonly Contact[]>;
  /** One contact; throws AutotaskNotFoundError when Autotask has none. */
  getContact(id: number): Promise<Contact>;
  /** Contacts for many ids (batches of 500), active or not; missing ids are absent from the result. */
  getContacts(ids: readonly number[]): Promise<readonly Contact[]>;
  /** The tenant's hourly request budget. */
  getThresholdInformation(): Promise<ThresholdInfo>;

  /** Web UI link to a ticket, in this tenant's zone. */
  ticketUrl(ticketId: number): Promise<string>;
}

export function createAutotaskClient(options: AutotaskClientOptions): AutotaskClient {
  const http: AutotaskHttp = createHttp({
    ...options,
    zoneCache: options.zoneCache ?? new InMemoryZoneCache(),
    zoneTtlMs: options.zoneTtlMs ?? DEFAULT_ZONE_TTL_MS,
    limiter: options.limiter ?? sharedEndpointLimiter(options.credentials.integrationCode),
  });

  return {
    getZone: () => http.zones.current(),
    async testConnection() {
      await http.zones.forget();
      const threshold = await getThresholdInformation(http, 'connection.test');
      return { zone: await http.zones.current(), threshold };
    },
    searchCompanies: (name, opts) => searchCompanies(http, name, opts),
    getCompany: (id) => getCompany(http, id),
    getCompanies: (ids) => getCompanies(http, ids),
    createTicket: (input, opts) => createTicket(http, input, opts),
    getTicket: (id) => getTicket(http, id),
    findTicketsByExternalId: (externalId) => findTicketsByExternalId(http, externalId),
    findTicketByNumber: (ticketNumber) => findTicketByNumber(http, ticketNumber),
    getTickets: (ids) => getTickets(http, ids),
    updateTicketStatus: (id, status) => updateTicketStatus(http, id, status),
    addTicketNote: (ticketId, note) => addTicketNote(http, ticketId, note),
    listTicketNotes: (ticketId) => listTicketNotes(http, ticketId),
    countTimeEntries: (ticketId) => countTimeEntriesForTicket(http, ticketId),
    countNonBillableTimeEntries: (since) => countNonBillableTimeEntriesSince(http, since),
    getTicketPicklists: () => getTicketPicklists(http),
    getTicketNotePicklists: () => getTicketNotePicklists(http),
    getWorkTypes: () => getWorkTypes(http),
    listActiveContacts: (companyId) => listActiveContacts(http, companyId),
    getContact: (id) => getContact(http, id),
    getContacts: (ids) => getContacts(http, ids),
    getThresholdInformation: () => getThresholdInformation(http),
    async ticketUrl(ticketId) {
      return ticketUrl((await http.zones.current()).webUrl, ticketId);
    },
  };
}

export * from './errors.ts';
export * from './types.ts';
export type { CreateTicketOptions } from './tickets.ts';
export { InMemoryApiCallRecorder, isLogged, type ApiCallEntry, type ApiCallRecorder } from './api-log.ts';
export { InMemoryZoneCache, type ZoneCache } from './zone.ts';
export {
  AUTOTASK_THREADS_PER_ENDPOINT,
  createEndpointLimiter,
  sharedEndpointLimiter,
  ThreadWaitTimeoutError,
  type EndpointLimiter,
} from './concurrency.ts';
export { timerDeadline, type Deadline, type StartDeadline, type WireRequest } from './transport.ts';
export {
  DEFAULT_WRITE_RETRY_TUNING,
  mayResendAfterCheck,
  writeRetryDelayMs,
  type WriteRetryOptions,
  type WriteRetryTuning,
} from './retry-policy.ts';
