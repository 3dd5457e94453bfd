import type { RequestLogEntry as AutotaskLogEntry, Simulator } from '@backupchecks/autotask-simulator';
import {
  COMPANY,
  STATUS,
  type ConnectWiseSimulator,
  type RequestLogEntry as ConnectWiseLogEntry,
} from '@backupchecks/connectwise-simulator';
import { levelReason, notProvenMessage as connectWiseNotProven } from '../../src/psa/connectwise/visibility.ts';
import { PSA_NAMES, type PsaType } from '../../src/psa/port.ts';
import { CLOSING_NOTE_TEXT } from '../../src/services/integration/settings.ts';
import {
  NOT_VISIBLE_REASON,
  notProvenMessage as autotaskNotProven,
} from '../../src/services/integration/time-entry-visibility.ts';

/**
 * One way to drive either PSA's simulator from a test: the companies, tickets, notes and time
 * entries as the PSA holds them, its faults and its request log, in the product's terms. The
 * shared suites (test/psa-suites/) are written once against this and run for both PSAs. Changes go
 * through each simulator's control API (`/__sim/`), as a person in the PSA would make them; reads
 * look at the simulator's state directly.
 */

export interface CompanyRef {
  readonly id: number;
  readonly name: string;
}

/** A ticket as the PSA holds it. */
export interface DriverTicket {
  readonly id: number;
  /** What the PSA shows people (Autotask's ticket number; ConnectWise's id). */
  readonly number: string;
  readonly title: string;
  readonly companyId: number;
  readonly statusId: number;
  readonly closed: boolean;
  /** Our reference as the PSA stores it (Autotask externalID, ConnectWise externalXRef). */
  readonly reference: string | null;
}

export interface DriverNote {
  readonly title: string | null;
  readonly body: string;
  /** Never shown to the customer. */
  readonly internal: boolean;
}

export type CallKind = 'ticket-create' | 'ticket-update' | 'note-create' | 'other-write' | 'read';

/** One request the simulator received. */
export interface DriverCall {
  readonly seq: number;
  readonly method: string;
  readonly path: string;
  readonly kind: CallKind;
  /** `answered`, `dropped`, `hung`, … as the simulator logged it. */
  readonly outcome: string;
}

export interface PsaFaults {
  /** The next create is applied (the ticket exists), then its answer is lost. */
  loseNextCreateAnswer(): Promise<void>;
  /** The next create is never answered; with `afterApply` the ticket is created first. */
  hangNextCreate(options?: { readonly afterApply?: boolean }): Promise<void>;
  /** The next create gets a bare 502 from a proxy: the PSA said nothing. */
  serverErrorOnNextCreate(): Promise<void>;
  /** The next create is refused with the PSA's own message (a validation error). */
  refuseNextCreate(message: string): Promise<void>;
  /** The next create gets a 429. */
  rateLimitNextCreate(): Promise<void>;
  /** The next `count` ticket lookups and reads fail with a 503. */
  failTicketReads(count: number): Promise<void>;
  /** The next close (status change) is applied, then its answer is lost. */
  loseNextCloseAnswer(): Promise<void>;
  /** Latency on every ticket request (0 removes it). */
  ticketLatency(ms: number): Promise<void>;
  clear(): Promise<void>;
}

export interface PsaDriver {
  readonly psa: PsaType;
  /** "Autotask", "ConnectWise". */
  readonly name: string;
  /** Seeded companies; the two simulators' demo tenants share these names. */
  readonly companies: {
    readonly acme: CompanyRef;
    readonly contoso: CompanyRef;
    readonly northwind: CompanyRef;
    readonly fabrikam: CompanyRef;
  };
  /** The statuses of the saved settings: what a new ticket gets, and what a resolve closes with. */
  readonly newStatus: { readonly id: number; readonly label: string };
  readonly closedStatus: { readonly id: number; readonly label: string };
  /** The closing note as the PSA must hold it after a resolve. */
  readonly closingNote: DriverNote;
  /** The resolve's refusal while the API user's view of time entries is not proven. */
  readonly notProvenMessage: string;
  /** The time entries the PSA tells apart (both bill or not). */
  readonly timeEntryKinds: readonly ('billable' | 'non-billable')[];
  /** A mapping's reason after its company went inactive, as the product states it. */
  inactiveReason(companyId: number): string;

  addCompany(name: string): Promise<CompanyRef>;
  renameCompany(id: number, name: string): Promise<void>;
  deactivateCompany(id: number): Promise<void>;
  deleteCompany(id: number): Promise<void>;

  ticket(id: number): DriverTicket | undefined;
  /** Tickets carrying one of this run's references (`BC-RUN-<run id>-…`). */
  ticketsOfRun(runId: number): DriverTicket[];
  ticketsByReference(reference: string): DriverTicket[];
  /**
   * The ticket's internal notes (ConnectWise keeps a new ticket's description as its first note,
   * on the Discussion thread: not internal, so not here).
   */
  internalNotesOf(ticketId: number): DriverNote[];
  /** Where a person opens the ticket, as the app must link it. */
  ticketUrl(id: number): string;
  /** A technician books time on the ticket in the PSA. */
  addTimeEntry(ticketId: number, billable: boolean): Promise<void>;
  /**
   * The API user can no longer prove that it sees every time entry, and other people's entries
   * vanish from its counts (Autotask: no "Can view non-billable time entries", so no non-billable
   * entry is visible; ConnectWise: Time Entry inquire level `My`).
   */
  makeTimeEntriesUnprovable(): Promise<void>;

  readonly faults: PsaFaults;
  calls(): DriverCall[];
  createPosts(): DriverCall[];
  writes(): DriverCall[];
  clearRequestLog(): void;
}

/** POSTs JSON to a simulator's control API; a refusal fails the test at once. */
async function control(controlUrl: string, path: string, body: unknown = {}): Promise<unknown> {
  const res = await fetch(`${controlUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`simulator control ${path}: HTTP ${res.status} ${await res.text()}`);
  return res.json();
}

const ofRun = (runId: number) => (reference: string | null) => (reference ?? '').startsWith(`BC-RUN-${runId}-`);

// ---------------------------------------------------------------------------------------------
// Autotask

const AUTOTASK_COMPLETE = 5;

function autotaskCallKind(e: AutotaskLogEntry): CallKind {
  const query = /\/query(\/|$)/i.test(e.path);
  if (e.method === 'GET' || query) return 'read';
  if (e.method === 'POST' && /\/Tickets\/\d+\/Notes$/i.test(e.path)) return 'note-create';
  if (e.entity === 'Tickets' && e.method === 'POST') return 'ticket-create';
  if (e.entity === 'Tickets' && (e.method === 'PATCH' || e.method === 'PUT')) return 'ticket-update';
  return 'other-write';
}

export function autotaskDriver(sim: Simulator): PsaDriver {
  const post = (path: string, body?: unknown) => control(sim.controlUrl, path, body);
  const tickets = { method: 'POST', entity: 'Tickets' };
  const toTicket = (t: Simulator['state']['tickets'][number]): DriverTicket => ({
    id: t.id,
    number: t.ticketNumber,
    title: t.title,
    companyId: t.companyID,
    statusId: t.status,
    closed: t.status === AUTOTASK_COMPLETE,
    reference: t.externalID ?? null,
  });
  const calls = () =>
    sim.requestLog
      // The zone lookup is the client's own business, not a call about a ticket or company.
      .filter((e) => e.entity !== 'zoneInformation' && e.entity !== 'versionInformation')
      .map((e) => ({ seq: e.seq, method: e.method, path: e.path, kind: autotaskCallKind(e), outcome: e.outcome }));
  return {
    psa: 'autotask',
    name: PSA_NAMES.autotask,
    companies: {
      acme: { id: 100, name: 'Acme Dental' },
      contoso: { id: 105, name: 'Contoso B.V.' },
      northwind: { id: 112, name: 'Northwind Traders' },
      fabrikam: { id: 108, name: 'Fabrikam Architects' },
    },
    newStatus: { id: 1, label: 'New' },
    closedStatus: { id: AUTOTASK_COMPLETE, label: 'Complete' },
    closingNote: { title: 'Resolved via Backupchecks', body: CLOSING_NOTE_TEXT, internal: true },
    notProvenMessage: autotaskNotProven(NOT_VISIBLE_REASON),
    timeEntryKinds: ['billable', 'non-billable'],
    inactiveReason: (id) => `Company ${id} is inactive in Autotask.`,

    async addCompany(name) {
      const { company } = (await post('companies', { companyName: name })) as { company: { id: number } };
      return { id: company.id, name };
    },
    renameCompany: async (id, name) => void (await post(`companies/${id}/rename`, { companyName: name })),
    deactivateCompany: async (id) => void (await post(`companies/${id}/deactivate`)),
    deleteCompany: async (id) => void (await post(`companies/${id}/delete`)),

    ticket: (id) => {
      const t = sim.state.ticket(id);
      return t ? toTicket(t) : undefined;
    },
    ticketsOfRun: (runId) => sim.state.tickets.filter((t) => ofRun(runId)(t.externalID)).map(toTicket),
    ticketsByReference: (reference) => sim.state.tickets.filter((t) => t.externalID === reference).map(toTicket),
    internalNotesOf: (ticketId) =>
      // Publish 2 is "Internal Only" (docs/autotask.md, Ticket notes).
      sim.state
        .notesOf(ticketId)
        .map((n) => ({ title: n.title, body: n.description ?? '', internal: n.publish === 2 }))
        .filter((n) => n.internal),
    ticketUrl: (id) => sim.ticketUrl(id),
    addTimeEntry: async (ticketId, billable) => void (await post(`tickets/${ticketId}/time-entries`, { billable })),
    makeTimeEntriesUnprovable: async () => void (await post('users/permissions', { canViewNonBillable: false })),

    faults: {
      loseNextCreateAnswer: async () => void (await post('faults/drop', tickets)),
      hangNextCreate: async (o = {}) =>
        void (await post('faults/hang', { ...tickets, afterApply: o.afterApply ?? false })),
      serverErrorOnNextCreate: async () => void (await post('faults/fail', { ...tickets, status: 502, body: 'text' })),
      // Autotask answers a refused create with a 500 and its reasons in `errors` (docs/autotask.md, Errors).
      refuseNextCreate: async (message) =>
        void (await post('faults/fail', { ...tickets, status: 500, errors: [message] })),
      rateLimitNextCreate: async () => void (await post('faults/rate-limit', tickets)),
      // Lookups by reference are POSTs to Tickets/query; reads by id are GETs.
      failTicketReads: async (count) =>
        void (await post('faults/fail', { entity: 'Tickets', status: 503, body: 'text', count })),
      loseNextCloseAnswer: async () => void (await post('faults/drop', { method: 'PATCH', entity: 'Tickets' })),
      ticketLatency: async (ms) => void (await post('faults/latency', { ms, entity: 'Tickets' })),
      clear: async () => void (await post('faults/clear')),
    },
    calls,
    createPosts: () => calls().filter((c) => c.kind === 'ticket-create'),
    writes: () => calls().filter((c) => c.kind !== 'read'),
    clearRequestLog: () => sim.state.clearRequestLog(),
  };
}

// ---------------------------------------------------------------------------------------------
// ConnectWise

function connectWiseCallKind(e: ConnectWiseLogEntry): CallKind {
  if (e.method === 'GET' || e.method === 'HEAD') return 'read';
  if (e.resource === 'service/tickets/notes' && e.method === 'POST') return 'note-create';
  if (e.resource === 'service/tickets' && e.method === 'POST') return 'ticket-create';
  if (e.resource === 'service/tickets' && (e.method === 'PATCH' || e.method === 'PUT')) return 'ticket-update';
  return 'other-write';
}

export function connectWiseDriver(sim: ConnectWiseSimulator): PsaDriver {
  const post = (path: string, body?: unknown) => control(sim.controlUrl, path, body);
  const tickets = { method: 'POST', resource: 'service/tickets' };
  const toTicket = (t: ConnectWiseSimulator['state']['tickets'][number]): DriverTicket => ({
    id: t.id,
    number: String(t.id),
    title: t.summary,
    companyId: t.companyId,
    statusId: t.statusId,
    closed: t.closedFlag,
    reference: t.externalXRef,
  });
  const calls = () =>
    sim.requestLog.map((e) => ({
      seq: e.seq,
      method: e.method,
      path: e.path,
      kind: connectWiseCallKind(e),
      outcome: e.outcome,
    }));
  return {
    psa: 'connectwise',
    name: PSA_NAMES.connectwise,
    companies: {
      acme: { id: COMPANY.acme, name: 'Acme Dental' },
      contoso: { id: COMPANY.contoso, name: 'Contoso B.V.' },
      northwind: { id: COMPANY.northwind, name: 'Northwind Traders' },
      fabrikam: { id: COMPANY.fabrikam, name: 'Fabrikam Architects' },
    },
    newStatus: { id: STATUS.new, label: 'New' },
    closedStatus: { id: STATUS.closed, label: 'Closed' },
    // ConnectWise notes have no title: it leads the text. Internal: the Internal thread only.
    closingNote: { title: null, body: `Resolved via Backupchecks\n\n${CLOSING_NOTE_TEXT}`, internal: true },
    notProvenMessage: connectWiseNotProven(levelReason('My')),
    timeEntryKinds: ['billable', 'non-billable'],
    inactiveReason: (id) => `Company ${id} is inactive in ConnectWise.`,

    async addCompany(name) {
      const { company } = (await post('companies', { name })) as { company: { id: number } };
      return { id: company.id, name };
    },
    // The control API has no rename: changed in the tenant's state, as a person would in ConnectWise.
    renameCompany(id, name) {
      const company = sim.state.company(id);
      if (!company) throw new Error(`no ConnectWise company ${id}`);
      company.name = name;
      company.lastUpdated = sim.state.nowIso();
      return Promise.resolve();
    },
    deactivateCompany: async (id) => void (await post(`companies/${id}/status`, { statusId: 2 })),
    deleteCompany: async (id) => void (await post(`companies/${id}/delete`)),

    ticket: (id) => {
      const t = sim.state.ticket(id);
      return t ? toTicket(t) : undefined;
    },
    ticketsOfRun: (runId) => sim.state.tickets.filter((t) => ofRun(runId)(t.externalXRef)).map(toTicket),
    ticketsByReference: (reference) => sim.state.tickets.filter((t) => t.externalXRef === reference).map(toTicket),
    internalNotesOf: (ticketId) =>
      sim.state.notes
        .filter((n) => n.ticketId === ticketId)
        .map((n) => ({
          title: null,
          body: n.text,
          internal: n.internalAnalysisFlag && !n.detailDescriptionFlag && !n.resolutionFlag,
        }))
        .filter((n) => n.internal),
    ticketUrl: (id) =>
      `${sim.siteUrl}/v4_6_release/services/system_io/router/openrecord.rails?locale=en_US&companyName=${sim.credentials.companyId}&recordType=ServiceFV&recid=${id}`,
    addTimeEntry: async (ticketId, billable) => void (await post(`tickets/${ticketId}/time-entries`, { billable })),
    makeTimeEntriesUnprovable: async () => void (await post('settings', { timeEntryInquireLevel: 'My' })),

    faults: {
      loseNextCreateAnswer: async () => void (await post('faults/drop', tickets)),
      hangNextCreate: async (o = {}) =>
        void (await post('faults/hang', { ...tickets, afterApply: o.afterApply ?? false })),
      serverErrorOnNextCreate: async () => void (await post('faults/fail', { ...tickets, status: 502, body: 'text' })),
      refuseNextCreate: async (message) =>
        void (await post('faults/fail', { ...tickets, status: 400, code: 'InvalidObject', message })),
      rateLimitNextCreate: async () => void (await post('faults/rate-limit', tickets)),
      // Lookups by reference and reads by id are GETs.
      failTicketReads: async (count) =>
        void (await post('faults/fail', {
          method: 'GET',
          resource: 'service/tickets',
          status: 503,
          body: 'text',
          count,
        })),
      loseNextCloseAnswer: async () =>
        void (await post('faults/drop', { method: 'PATCH', resource: 'service/tickets' })),
      ticketLatency: async (ms) => void (await post('faults/latency', { ms, resource: 'service/tickets' })),
      clear: async () => void (await post('faults/clear')),
    },
    calls,
    createPosts: () => calls().filter((c) => c.kind === 'ticket-create'),
    writes: () => calls().filter((c) => c.kind !== 'read'),
    clearRequestLog: () => sim.state.clearRequestLog(),
  };
}

export const driverFor = (psa: PsaType, sims: { autotask: Simulator; connectwise: ConnectWiseSimulator }): PsaDriver =>
  psa === 'autotask' ? autotaskDriver(sims.autotask) : connectWiseDriver(sims.connectwise);
