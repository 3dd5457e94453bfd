import type { Blocker } from '../services/integration/settings.ts';

/**
 * The PSA port: what Backupchecks needs from a PSA, in its own words. The ticket, resolve and
 * mapping services talk to this interface only; each PSA is an adapter behind it
 * (`src/psa/autotask/`, `src/psa/connectwise/`) over its own self-contained client
 * (`src/autotask/`, `src/connectwise/`). Failures are the classes of `./errors.ts`.
 *
 * The adapters own what differs between PSAs: which fields a new ticket carries (queue or board,
 * priorities by severity), which status closes a ticket, what an internal note is, where the
 * reference is written, and how the API user's view of time entries is proven complete.
 */

export type PsaType = 'autotask' | 'connectwise';

export const PSA_TYPES: readonly PsaType[] = ['autotask', 'connectwise'];

/** The name an operator reads. */
export const PSA_NAMES: Readonly<Record<PsaType, string>> = { autotask: 'Autotask', connectwise: 'ConnectWise' };

export function isPsaType(value: unknown): value is PsaType {
  return value === 'autotask' || value === 'connectwise';
}

export interface PsaCompany {
  readonly id: number;
  readonly name: string;
  /** Autotask: isActive; ConnectWise: not deleted and not of an inactive company status. */
  readonly isActive: boolean;
}

export interface PsaTicket {
  readonly id: number;
  /** What the PSA shows people: Autotask's ticket number (T20240101.0001); ConnectWise's id. */
  readonly number: string;
  readonly title: string;
  readonly companyId: number | null;
  readonly statusId: number | null;
  /** The status name when the PSA sent it (ConnectWise) or the cached lists know it (Autotask). */
  readonly statusLabel: string | null;
  /** The status counts as closed (Autotask: Complete; ConnectWise: a board status flagged closed). */
  readonly closed: boolean;
  /** Our reference as read back from the ticket. */
  readonly reference: string | null;
}

/** A ticket for a run, in the product's terms; the adapter adds the PSA's own defaults. */
export interface NewRunTicket {
  readonly companyId: number;
  /** The mapping's default contact, when one was chosen. */
  readonly contactId?: number | undefined;
  readonly title: string;
  readonly description: string;
  /** Picks the priority the settings give failed or warning runs. */
  readonly severity: 'error' | 'warning';
  /** Written into the PSA's reference field, so an unknown outcome can be looked up. */
  readonly reference: string;
}

export interface CreatedPsaTicket {
  readonly id: number;
  /** The ticket as the create answered or read it back; null when that read failed. */
  readonly ticket: PsaTicket | null;
}

/** An internal note: never shown to the customer. */
export interface NewInternalNote {
  readonly title: string;
  readonly text: string;
}

export interface PsaNote {
  readonly id: number;
  readonly title: string | null;
  readonly text: string | null;
  readonly internal: boolean;
}

/** Whether the API user is proven to see every time entry: a count of 0 only means something then. */
export interface VisibilityProof {
  readonly proven: boolean;
  /** Why not, in words for an admin; null when proven. */
  readonly reason: string | null;
}

export interface CompanySearchOptions {
  readonly includeInactive?: boolean | undefined;
  readonly limit?: number | undefined;
}

/** One PSA's API, with the saved credentials and settings already applied. */
export interface PsaClient {
  readonly psa: PsaType;
  /**
   * Work done before a write's claim so that the write leaves at once (Autotask resolves its zone).
   * Failures are PsaErrors like any other call's.
   */
  prepare(): Promise<void>;
  testConnection(): Promise<void>;

  searchCompanies(name: string, options?: CompanySearchOptions): Promise<readonly PsaCompany[]>;
  /** Throws PsaNotFoundError when the PSA has none (or the API user cannot see it). */
  getCompany(id: number): Promise<PsaCompany>;
  /** Missing ids are absent from the result. */
  getCompanies(ids: readonly number[]): Promise<readonly PsaCompany[]>;

  /**
   * Sent once, never retried: an unknown outcome is settled by `findTicketsByReference`.
   * `readBack: false` skips a separate read of the new ticket (Autotask answers a create with its
   * id only); `ticket` may then be null.
   */
  createTicket(input: NewRunTicket, options?: { readonly readBack?: boolean }): Promise<CreatedPsaTicket>;
  getTicket(id: number): Promise<PsaTicket>;
  /** Missing ids are absent from the result. */
  getTickets(ids: readonly number[]): Promise<readonly PsaTicket[]>;
  findTicketsByReference(reference: string): Promise<readonly PsaTicket[]>;
  /** The ticket an operator typed the number of; null when there is none. */
  findTicketByNumber(number: string): Promise<PsaTicket | null>;
  /** Where a person opens the ticket in the PSA. */
  ticketUrl(id: number): Promise<string>;
  /** Sets the closing status the settings name; sent once. */
  closeTicket(id: number): Promise<void>;

  /** Sent once; returns the note's id. */
  addInternalNote(ticketId: number, note: NewInternalNote): Promise<number>;
  listTicketNotes(ticketId: number): Promise<readonly PsaNote[]>;
  /** Time entries on the ticket, as the API user sees them (see `PsaProfile.ensureTimeEntryVisibility`). */
  countTimeEntries(ticketId: number): Promise<number>;
}

/** One PSA's saved settings, as the services need them. Built per request from the PSA's row. */
export interface PsaProfile {
  readonly psa: PsaType;
  /** "Autotask", "ConnectWise". */
  readonly name: string;
  /** Settings → Extensions & Integrations → this PSA. */
  readonly settingsUrl: string;
  readonly enabled: boolean;
  readonly hasCredentials: boolean;
  /** Resolve is allowed by the settings (it still needs proof and no time entries). */
  readonly allowResolve: boolean;
  /** Why no ticket can be created right now (switched off, credentials, defaults), or null. */
  readonly blocker: Blocker | null;
  /** Why no note can be written (Autotask: no note type chosen), or null. */
  readonly noteBlocker: string | null;
  /** The label of a status from the cached lists, or null when they do not know it. */
  statusLabel(statusId: number): string | null;
  /** A client with the saved credentials; RuleError when they are missing or cannot be decrypted. */
  client(): PsaClient;
  /**
   * Fresh proof that the API user sees every time entry, checked with the PSA when the stored one
   * is missing or older than a day; the outcome is stored on the settings row. Never throws for a
   * PSA failure: that is "not proven" with the reason.
   */
  ensureTimeEntryVisibility(options?: VisibilityOptions): Promise<VisibilityProof>;
  /** Next to a disabled "Resolve ticket", and the answer to a refused resolve: what to fix in the PSA. */
  notProvenMessage(reason: string): string;
}

export interface VisibilityOptions {
  readonly now?: (() => Date) | undefined;
  /**
   * Pages: wait at most this long, and do not ask again soon after a check that proved nothing.
   * Without it (the resolve) the PSA is asked whenever there is no fresh proof.
   */
  readonly pageTimeoutMs?: number | undefined;
}
