import type { Role, TicketRecord } from '../../../db/database.ts';
import { NotFoundError, RuleError } from '../../../errors/catalogue.ts';
import { CLOSING_NOTE_TEXT, getIntegrationSettings } from '../../integration/settings.ts';
import type { ResolutionDeps } from './flow.ts';
import { NOT_RESOLVABLE, RUN_NOT_FOUND } from './messages.ts';
import { resolveStateFor, type ResolveAction } from './offer.ts';
import { assertResolvingAllowed, CLOSING_NOTE_TITLE, COMPLETE_STATUS, createdTicketOf, ticketLabel } from './rules.ts';

/** The confirmation page of "Resolve ticket". */

export interface ResolveConfirmation {
  readonly run: {
    readonly id: number;
    readonly runAt: Date;
    readonly status: string;
    readonly customerName: string;
    readonly jobName: string;
  };
  readonly ticket: TicketRecord;
  readonly action: ResolveAction;
  readonly noteTitle: string;
  readonly noteText: string;
}

/** What the confirmation step shows: the ticket, whether it may be resolved now, and the exact note. */
export async function loadResolveConfirmation(
  deps: ResolutionDeps,
  role: Role | undefined,
  runId: number,
): Promise<ResolveConfirmation> {
  const settings = await getIntegrationSettings(deps.db);
  assertResolvingAllowed(settings);
  const run = await deps.db.run.findUnique({
    where: { id: runId },
    include: { ticket: true, job: { include: { customer: true } } },
  });
  if (!run) throw new NotFoundError(RUN_NOT_FOUND);
  const ticket = createdTicketOf(run.ticket);
  if (ticket.statusId === COMPLETE_STATUS) {
    throw new RuleError(`Ticket ${ticketLabel(ticket)} is already complete.`);
  }
  const action = (await resolveStateFor(deps, role, [ticket])).get(ticket.id);
  return {
    run: {
      id: run.id,
      runAt: run.runAt,
      status: run.status,
      customerName: run.job.customer.name,
      jobName: run.job.name,
    },
    ticket,
    action: action ?? { offered: false, disabledReason: NOT_RESOLVABLE, count: null },
    noteTitle: CLOSING_NOTE_TITLE,
    noteText: CLOSING_NOTE_TEXT,
  };
}
