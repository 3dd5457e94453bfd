/**
 * ConnectWise PSA (Manage) REST client: the only code in Backupchecks meant to talk HTTP to ConnectWise.
 * The app reaches it through the adapter in src/psa/connectwise/. The API facts it relies on: docs/connectwise.md.
 *
 *   const cw = createConnectWiseClient({ baseUrl, credentials, recorder, logLevel, logger });
 *
 * Public surface (everything async; errors are the classes of `errors.ts`):
 *   testConnection()                    GET system/info: proves site, credentials and clientId
 *   searchCompanies(name, opts?)        companies whose name contains `name` (not deleted, up to 25)
 *   getCompany(id) / getCompanies(ids)  one company (ConnectWiseNotFoundError when absent) / many, batched
 *   createTicket(input)                 POST once with our reference; { id, ticket | null }
 *   getTicket(id) / getTickets(ids)     one ticket / many, batched `id in (…)`
 *   findTicketsByReference(ref)         tickets carrying our reference (settles an unknown create outcome)
 *   updateTicketStatus(id, statusId)    JSON Patch of the status, sent once
 *   addTicketNote(ticketId, note)       POST once; returns the note id
 *   listTicketNotes(ticketId)           notes on a ticket (settles an unknown note outcome)
 *   countTimeEntries(ticketId)          time entries charged to the ticket
 *   listBoards(), listBoardStatuses(b), listBoardTypes(b), listBoardSubTypes(b), listBoardItems(b),
 *   listPriorities(), listMembers()     setup lists, inactive values included
 *   listCompanyStatuses()               company statuses, with the inactive flag
 *   getMySecurity()                     the API member's own rights (system/mySecurity)
 *
 * Writes (createTicket, updateTicketStatus, addTicketNote) are never retried here; when they fail with
 * `isOutcomeUnknown(err)` the caller looks before it writes again. Reads are retried on a dropped
 * connection, 429 and 5xx (`retry-policy.ts`).
 */
import type { PsaClientOptions } from '../psa-http/exchange.ts';
import { getCompanies, getCompany, searchCompanies, type CompanySearchOptions } from './companies.ts';
import { createHttp, type ConnectWiseHttp } from './http.ts';
import {
  listBoardItems,
  listBoards,
  listBoardStatuses,
  listBoardSubTypes,
  listBoardTypes,
  listCompanyStatuses,
  listMembers,
  listPriorities,
} from './lists.ts';
import { addTicketNote, listTicketNotes } from './notes.ts';
import { getMySecurity } from './security.ts';
import { getSystemInfo } from './system.ts';
import { countTimeEntriesForTicket } from './time-entries.ts';
import { createTicket, findTicketsByReference, getTicket, getTickets, updateTicketStatus } from './tickets.ts';
import { DEFAULT_MODEL_VERSION, type HttpMethod } from './transport.ts';
import type { ConnectWiseErrorKind } from './errors.ts';
import type {
  Board,
  BoardStatus,
  BoardSubType,
  BoardValue,
  Company,
  CompanyStatus,
  ConnectWiseCredentials,
  CreatedTicket,
  Member,
  NewTicket,
  NewTicketNote,
  Priority,
  SecurityRight,
  SystemInfo,
  Ticket,
  TicketNote,
} from './types.ts';
import { normaliseBaseUrl } from './url.ts';

/** The options of every PSA client (timeout, API call log, logger, retries, deadline), and ConnectWise's. */
export interface ConnectWiseClientOptions extends PsaClientOptions<ConnectWiseErrorKind, HttpMethod> {
  /** The API root, `https://<site>/<codebase>/apis/3.0` (`connectWiseApiUrl` builds it from a host). */
  readonly baseUrl: string;
  readonly credentials: ConnectWiseCredentials;
  /** The model version asked for in `Accept`. Default `DEFAULT_MODEL_VERSION`. */
  readonly modelVersion?: string | undefined;
}

export interface ConnectWiseClient {
  /** One authenticated call (`system/info`): the site, the credentials and the clientId work. */
  testConnection(): Promise<SystemInfo>;

  /** Companies whose name contains `name`; not deleted unless `includeDeleted`. */
  searchCompanies(name: string, options?: CompanySearchOptions): Promise<readonly Company[]>;
  /** One company; throws ConnectWiseNotFoundError when ConnectWise has none. */
  getCompany(id: number): Promise<Company>;
  /** Companies for many ids; missing ids are absent from the result. */
  getCompanies(ids: readonly number[]): Promise<readonly Company[]>;

  /** Creates a ticket (sent once) carrying `input.reference`. */
  createTicket(input: NewTicket): Promise<CreatedTicket>;
  /** One ticket; throws ConnectWiseNotFoundError when ConnectWise has none. */
  getTicket(id: number): Promise<Ticket>;
  /** Tickets for many ids; missing ids are absent from the result. */
  getTickets(ids: readonly number[]): Promise<readonly Ticket[]>;
  /** Tickets carrying our reference, oldest first. */
  findTicketsByReference(reference: string): Promise<readonly Ticket[]>;
  /** Sets a ticket's status (sent once); a status with `closed` closes the ticket. */
  updateTicketStatus(id: number, statusId: number): Promise<void>;

  /** Adds a note to a ticket (sent once); returns the note id. */
  addTicketNote(ticketId: number, note: NewTicketNote): Promise<number>;
  /** Notes on a ticket, oldest first. */
  listTicketNotes(ticketId: number): Promise<readonly TicketNote[]>;

  /** Number of time entries charged to a ticket, as the API member may see them. */
  countTimeEntries(ticketId: number): Promise<number>;

  listBoards(): Promise<readonly Board[]>;
  listBoardStatuses(boardId: number): Promise<readonly BoardStatus[]>;
  listBoardTypes(boardId: number): Promise<readonly BoardValue[]>;
  listBoardSubTypes(boardId: number): Promise<readonly BoardSubType[]>;
  listBoardItems(boardId: number): Promise<readonly BoardValue[]>;
  listPriorities(): Promise<readonly Priority[]>;
  listMembers(): Promise<readonly Member[]>;
  listCompanyStatuses(): Promise<readonly CompanyStatus[]>;

  /** The API member's rights, one per module function (`system/mySecurity`). */
  getMySecurity(): Promise<readonly SecurityRight[]>;
}

export function createConnectWiseClient(options: ConnectWiseClientOptions): ConnectWiseClient {
  const http: ConnectWiseHttp = createHttp({
    ...options,
    baseUrl: normaliseBaseUrl(options.baseUrl),
    modelVersion: options.modelVersion ?? DEFAULT_MODEL_VERSION,
  });

  return {
    testConnection: () => getSystemInfo(http, 'connection.test'),
    searchCompanies: (name, opts) => searchCompanies(http, name, opts),
    getCompany: (id) => getCompany(http, id),
    getCompanies: (ids) => getCompanies(http, ids),
    createTicket: (input) => createTicket(http, input),
    getTicket: (id) => getTicket(http, id),
    getTickets: (ids) => getTickets(http, ids),
    findTicketsByReference: (reference) => findTicketsByReference(http, reference),
    updateTicketStatus: (id, statusId) => updateTicketStatus(http, id, statusId),
    addTicketNote: (ticketId, note) => addTicketNote(http, ticketId, note),
    listTicketNotes: (ticketId) => listTicketNotes(http, ticketId),
    countTimeEntries: (ticketId) => countTimeEntriesForTicket(http, ticketId),
    listBoards: () => listBoards(http),
    listBoardStatuses: (boardId) => listBoardStatuses(http, boardId),
    listBoardTypes: (boardId) => listBoardTypes(http, boardId),
    listBoardSubTypes: (boardId) => listBoardSubTypes(http, boardId),
    listBoardItems: (boardId) => listBoardItems(http, boardId),
    listPriorities: () => listPriorities(http),
    listMembers: () => listMembers(http),
    listCompanyStatuses: () => listCompanyStatuses(http),
    getMySecurity: () => getMySecurity(http),
  };
}

export * from './errors.ts';
export * from './types.ts';
export type { CompanySearchOptions } from './companies.ts';
export { InMemoryApiCallRecorder, isLogged, type ApiCallEntry, type ApiCallRecorder } from './api-log.ts';
export { cond, render, type Condition, type Literal } from './conditions.ts';
export { internalNote } from './notes.ts';
export { IDS_PER_REQUEST, MAX_PAGE_SIZE } from './paging.ts';
export { MAX_REFERENCE_LENGTH, TICKET_REFERENCE_FIELD } from './reference.ts';
export { DEFAULT_RETRY_TUNING, type RetryOptions, type RetryTuning } from '../psa-http/retry.ts';
export { MAX_SUMMARY_LENGTH, ticketSummary } from './summary.ts';
export {
  DEFAULT_MODEL_VERSION,
  timerDeadline,
  type Deadline,
  type StartDeadline,
  type WireRequest,
} from './transport.ts';
export { connectWiseApiUrl, DEFAULT_CODEBASE } from './url.ts';
