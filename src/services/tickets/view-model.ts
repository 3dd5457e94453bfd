import type { CompanyMapping, IntegrationSettings, Role, TicketRecord } from '../../db/database.ts';
import { integrationBlocker, type Blocker } from '../integration/settings.ts';
import { mappingBlocker } from '../mapping/ticket-blockers.ts';
import { TICKET_NOT_CREATED, ticketFieldRefusal } from '../../errors/autotask-messages.ts';
import { decodeProblem, isSettleable, type Problem } from './run-ticket-claims.ts';
import { needsStatusRefresh, statusText } from './status-snapshots.ts';

/**
 * What `views/tickets/run-ticket.ejs` shows for one run: a view model per run, built from what the
 * page already loaded (the run's ticket row, its customer's mapping) and the integration settings.
 * No query and no Autotask call per run. It also notes which tickets need upkeep after the page
 * is sent (see upkeep.ts).
 */

export type RunTicketView =
  | { readonly state: 'none'; readonly canAct: boolean; readonly blocker: Blocker | null }
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
    };

export interface FieldFix {
  readonly label: string;
  readonly url: string;
}

export interface ViewRun {
  readonly id: number;
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

  return {
    view(run) {
      const t = run.ticket;
      const blocker = () => integration ?? mappingBlocker(run.customer, run.customer.mapping);
      if (!t) return { state: 'none', canAct, blocker: canAct ? blocker() : null };
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
          };
      }
    },
    upkeepIds: () => [...upkeep],
  };
}

/** The stored Autotask words name a field the tenant requires: link to the setting that fills it. */
function fieldFix(detail: string | undefined, customerId: number): FieldFix | null {
  const refusal = ticketFieldRefusal(detail);
  return refusal ? { label: refusal.fixLabel, url: refusal.fixUrl(customerId) } : null;
}
