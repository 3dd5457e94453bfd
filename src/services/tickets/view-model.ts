import type { CompanyMapping, Role, TicketRecord } from '../../db/database.ts';
import { ticketFieldRefusal } from '../../errors/autotask-messages.ts';
import { ticketNotCreated } from '../../errors/psa-messages.ts';
import type { PsaProfile } from '../../psa/port.ts';
import type { Blocker } from '../integration/settings.ts';
import { mappingBlocker } from '../mapping/ticket-blockers.ts';
import { decodeProblem, isSettleable, type Problem } from './run-ticket-claims.ts';
import { needsStatusRefresh } from './status-snapshots.ts';
import { isOfProfile, otherPsaSentence, psaNameOfTicket, psaOfTicket, TICKET_NUMBER_EXAMPLE } from './ticket-psa.ts';
import { noTicketCellData, type TicketCellData } from './cell-data.ts';
import {
  addedNoteView,
  addToOffer,
  ticketHistory,
  type AddedNoteView,
  type AddToOffer,
  type TicketHistory,
} from './cell-extras.ts';

/**
 * What `views/tickets/run-ticket.ejs` shows for one run: a view model per run, built from what the
 * page already loaded (the run's ticket row, its customer's mapping) and the active PSA's profile.
 * No query and no PSA call per run. It also notes which tickets need upkeep after the page is sent
 * (see upkeep.ts). A ticket of a PSA that is no longer active is shown with what was last read of
 * it and its PSA's name; nothing is offered that would write to it.
 */

export type RunTicketView =
  | {
      readonly state: 'none';
      /** The active PSA's name: "Create Autotask ticket". */
      readonly psaName: string;
      /** What a ticket number of the active PSA looks like, for "Link ticket". */
      readonly numberExample: string;
      readonly canAct: boolean;
      readonly blocker: Blocker | null;
      /** "Add to ticket T…": the job's open ticket (admins and operators, integration usable). */
      readonly addTo: AddToOffer | null;
      /** "Link ticket" by number: admins and operators, when a ticket could be created too. */
      readonly canLink: boolean;
    }
  | {
      readonly state: 'pending';
      /** The ticket's PSA. */
      readonly psaName: string;
      readonly canAct: boolean;
      /** Old enough to be settled by reference: a click checks the PSA first, then may post. */
      readonly settling: boolean;
      readonly problem: Problem | null;
      readonly startedAt: Date;
    }
  | {
      readonly state: 'failed';
      /** The ticket's PSA. */
      readonly psaName: string;
      readonly canAct: boolean;
      readonly problem: Problem;
      readonly blocker: Blocker | null;
      /** Autotask refused a field the tenant requires: the setting that provides it (shown to admins). */
      readonly fix: FieldFix | null;
    }
  | {
      readonly state: 'created';
      /** The ticket's PSA: "Open ticket … in ConnectWise". */
      readonly psaName: string;
      /** Admins and operators, for a ticket of the active PSA: "Add note" and the resolve action. */
      readonly canAct: boolean;
      /** Set for a ticket of a PSA that is no longer active: why nothing is offered. */
      readonly otherPsa: string | null;
      readonly ticketId: number | null;
      /** Null until read back from the PSA (shown as the ticket id meanwhile). */
      readonly ticketNumber: string | null;
      readonly url: string | null;
      readonly status: string | null;
      readonly checkedAt: Date | null;
      readonly problem: Problem | null;
      /** Who created (or linked), added this run to, and resolved the ticket, and when. */
      readonly history: TicketHistory;
      /** This run's "run added" note when it is not on the ticket (yet). */
      readonly addedNote: AddedNoteView | null;
      /**
       * The ticket is open and a later run of the same job succeeded: shown next to the resolve
       * action, which stays exactly as gated. A hint only; nothing is ever resolved for it.
       */
      readonly nextSuccess: { readonly runId: number; readonly runAt: Date } | null;
    };

export interface FieldFix {
  readonly label: string;
  readonly url: string;
}

export interface ViewRun {
  readonly id: number;
  /** The run's job: which open ticket it may be added to. */
  readonly jobId?: number;
  /** When the run was pointed at its ticket ("Added to this ticket by … on …"). */
  readonly ticketLinkedAt?: Date | null;
  readonly runAt?: Date;
  /** The job's newest successful run, as the page loaded it (Run Checks, run detail). */
  readonly job?: { readonly lastSuccess?: { readonly id: number; readonly runAt: Date } | null };
  readonly ticket: TicketRecord | null;
  readonly customer: {
    readonly id: number;
    readonly name: string;
    readonly mapping: Pick<CompanyMapping, 'status' | 'companyId' | 'statusReason'> | null;
  };
}

export interface TicketViewSetup {
  readonly role: Role | null;
  /** The active PSA. */
  readonly profile: PsaProfile;
  /** The PSA client timeout: decides when a pending row counts as settleable. */
  readonly timeoutMs: number;
  readonly now: Date;
  /** People, "run added" notes and open tickets of the page (`cell-data.ts`); none when absent. */
  readonly cells?: TicketCellData;
}

export interface TicketViews {
  view(run: ViewRun): RunTicketView;
  /** Run ticket rows shown so far that need upkeep (settling or a status refresh). */
  upkeepIds(): number[];
}

export function createTicketViews(setup: TicketViewSetup): TicketViews {
  const { profile } = setup;
  const canAct = setup.role === 'admin' || setup.role === 'operator';
  const integration = profile.blocker;
  const upkeep = new Set<number>();
  const cells = setup.cells ?? noTicketCellData;

  return {
    view(run) {
      const t = run.ticket;
      const blocker = () => integration ?? mappingBlocker(run.customer, run.customer.mapping);
      if (!t) return noTicketView(run, canAct, canAct ? blocker() : null, setup, cells);
      if (isSettleable(t, setup.now, setup.timeoutMs) || needsStatusRefresh(t, setup.now)) upkeep.add(t.id);
      const problem = decodeProblem(t.lastError);
      const psaName = psaNameOfTicket(t);
      switch (t.state) {
        case 'pending':
          return {
            state: 'pending',
            psaName,
            canAct,
            settling: isSettleable(t, setup.now, setup.timeoutMs),
            problem,
            startedAt: t.attemptStartedAt,
          };
        case 'failed':
          return {
            state: 'failed',
            psaName,
            canAct,
            problem: problem ?? { message: ticketNotCreated(psaOfTicket(t)) },
            blocker: canAct ? blocker() : null,
            fix: psaOfTicket(t) === 'autotask' ? fieldFix(problem?.detail, run.customer.id) : null,
          };
        case 'created': {
          const ours = isOfProfile(t, profile);
          return {
            state: 'created',
            psaName,
            canAct: canAct && ours,
            otherPsa: ours ? null : otherPsaSentence(t),
            ticketId: t.ticketId,
            ticketNumber: t.ticketNumber,
            url: t.url,
            status: statusShown(profile, t, ours),
            checkedAt: t.statusCheckedAt,
            problem,
            history: ticketHistory({ id: run.id, ticketLinkedAt: run.ticketLinkedAt ?? null }, t, cells),
            addedNote: addedNoteView(cells.addedNotes.get(run.id), setup),
            nextSuccess: nextSuccessOf(run, t),
          };
        }
      }
    },
    upkeepIds: () => [...upkeep],
  };
}

/**
 * What a page prints as the status: the label the active PSA's cached lists give (they may have
 * been renamed since the ticket was read), else the label stored with the read, else the number.
 * A ticket of another PSA has only what was stored.
 */
function statusShown(profile: PsaProfile, t: TicketRecord, ours: boolean): string | null {
  if (t.statusId === null) return null;
  return (ours ? profile.statusLabel(t.statusId) : null) ?? t.statusLabel ?? `status ${t.statusId}`;
}

/** A run without a ticket: create it, add the run to its job's open ticket, or link one by number. */
function noTicketView(
  run: ViewRun,
  canAct: boolean,
  blocker: Blocker | null,
  setup: TicketViewSetup,
  cells: TicketCellData,
): RunTicketView {
  const { profile } = setup;
  const addTo = canAct && !profile.blocker && run.jobId !== undefined ? addToOffer(run.jobId, cells, profile) : null;
  return {
    state: 'none',
    psaName: profile.name,
    numberExample: TICKET_NUMBER_EXAMPLE[profile.psa],
    canAct,
    blocker,
    addTo,
    canLink: canAct && !blocker,
  };
}

/** A later successful run of the run's job, when the run's ticket is still open. */
function nextSuccessOf(run: ViewRun, t: TicketRecord): { runId: number; runAt: Date } | null {
  const success = run.job?.lastSuccess;
  if (!success || !run.runAt || t.statusClosed) return null;
  const later = success.runAt > run.runAt || (success.runAt.getTime() === run.runAt.getTime() && success.id > run.id);
  return later ? { runId: success.id, runAt: success.runAt } : null;
}

/** The stored Autotask words name a field the tenant requires: link to the setting that fills it. */
function fieldFix(detail: string | undefined, customerId: number): FieldFix | null {
  const refusal = ticketFieldRefusal(detail);
  return refusal ? { label: refusal.fixLabel, url: refusal.fixUrl(customerId) } : null;
}
