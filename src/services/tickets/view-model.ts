import type { CompanyMapping, IntegrationSettings, Role, TicketRecord } from '../../db/database.ts';
import { integrationBlocker, type Blocker } from '../integration/settings.ts';
import { mappingBlocker } from '../mapping/ticket-blockers.ts';
import { TICKET_NOT_CREATED, ticketFieldRefusal } from '../../errors/autotask-messages.ts';
import { decodeProblem, isSettleable, type Problem } from './run-ticket-claims.ts';
import { COMPLETE_STATUS } from './resolve/rules.ts';
import { needsStatusRefresh, statusText } from './status-snapshots.ts';
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
 * page already loaded (the run's ticket row, its customer's mapping) and the integration settings.
 * No query and no Autotask call per run. It also notes which tickets need upkeep after the page
 * is sent (see upkeep.ts).
 */

export type RunTicketView =
  | {
      readonly state: 'none';
      readonly canAct: boolean;
      readonly blocker: Blocker | null;
      /** "Add to ticket T…": the job's open ticket (admins and operators, integration usable). */
      readonly addTo: AddToOffer | null;
      /** "Link ticket" by number: admins and operators, when a ticket could be created too. */
      readonly canLink: boolean;
    }
  | {
      readonly state: 'pending';
      readonly canAct: boolean;
      /** Old enough to be settled by reference: a click checks Autotask first, then may post. */
      readonly settling: boolean;
      readonly problem: Problem | null;
      readonly startedAt: Date;
    }
  | {
      readonly state: 'failed';
      readonly canAct: boolean;
      readonly problem: Problem;
      readonly blocker: Blocker | null;
      /** Autotask refused a field the tenant requires: the setting that provides it (shown to admins). */
      readonly fix: FieldFix | null;
    }
  | {
      readonly state: 'created';
      readonly canAct: boolean;
      readonly ticketId: number | null;
      /** Null until read back from Autotask (shown as the ticket id meanwhile). */
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
  readonly settings: IntegrationSettings;
  /** The Autotask client timeout: decides when a pending row counts as settleable. */
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
  const canAct = setup.role === 'admin' || setup.role === 'operator';
  const integration = integrationBlocker(setup.settings);
  const upkeep = new Set<number>();
  const cells = setup.cells ?? noTicketCellData;

  return {
    view(run) {
      const t = run.ticket;
      const blocker = () => integration ?? mappingBlocker(run.customer, run.customer.mapping);
      if (!t) return noTicketView(run, canAct, canAct ? blocker() : null, integration, cells);
      if (isSettleable(t, setup.now, setup.timeoutMs) || needsStatusRefresh(t, setup.now)) upkeep.add(t.id);
      const problem = decodeProblem(t.lastError);
      switch (t.state) {
        case 'pending':
          return {
            state: 'pending',
            canAct,
            settling: isSettleable(t, setup.now, setup.timeoutMs),
            problem,
            startedAt: t.attemptStartedAt,
          };
        case 'failed':
          return {
            state: 'failed',
            canAct,
            problem: problem ?? { message: TICKET_NOT_CREATED },
            blocker: canAct ? blocker() : null,
            fix: fieldFix(problem?.detail, run.customer.id),
          };
        case 'created':
          return {
            state: 'created',
            canAct,
            ticketId: t.ticketId,
            ticketNumber: t.ticketNumber,
            url: t.url,
            status: statusText(setup.settings.picklists, t),
            checkedAt: t.statusCheckedAt,
            problem,
            history: ticketHistory({ id: run.id, ticketLinkedAt: run.ticketLinkedAt ?? null }, t, cells),
            addedNote: addedNoteView(cells.addedNotes.get(run.id), setup),
            nextSuccess: nextSuccessOf(run, t),
          };
      }
    },
    upkeepIds: () => [...upkeep],
  };
}

/** A run without a ticket: create it, add the run to its job's open ticket, or link one by number. */
function noTicketView(
  run: ViewRun,
  canAct: boolean,
  blocker: Blocker | null,
  integration: Blocker | null,
  cells: TicketCellData,
): RunTicketView {
  const addTo = canAct && !integration && run.jobId !== undefined ? addToOffer(run.jobId, cells) : null;
  return { state: 'none', canAct, blocker, addTo, canLink: canAct && !blocker };
}

/** A later successful run of the run's job, when the run's ticket is still open. */
function nextSuccessOf(run: ViewRun, t: TicketRecord): { runId: number; runAt: Date } | null {
  const success = run.job?.lastSuccess;
  if (!success || !run.runAt || t.statusId === COMPLETE_STATUS) return null;
  const later = success.runAt > run.runAt || (success.runAt.getTime() === run.runAt.getTime() && success.id > run.id);
  return later ? { runId: success.id, runAt: success.runAt } : null;
}

/** The stored Autotask words name a field the tenant requires: link to the setting that fills it. */
function fieldFix(detail: string | undefined, customerId: number): FieldFix | null {
  const refusal = ticketFieldRefusal(detail);
  return refusal ? { label: refusal.fixLabel, url: refusal.fixUrl(customerId) } : null;
}
