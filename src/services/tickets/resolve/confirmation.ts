import type { Role, TicketRecord } from '../../../db/database.ts';
import { NotFoundError, RuleError } from '../../../errors/catalogue.ts';
import { CLOSING_NOTE_TEXT } from '../../integration/settings.ts';
import { CLOSED_WORDS } from '../ticket-psa.ts';
import type { ResolutionDeps } from './flow.ts';
import { NOT_RESOLVABLE, RUN_NOT_FOUND } from './messages.ts';
import { resolveStateFor, type ResolveAction } from './offer.ts';
import { assertResolvingAllowed, CLOSING_NOTE_TITLE, createdTicketOf, ticketLabel } from './rules.ts';

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
  /** The active PSA's name ("Autotask"): the ticket is of the active PSA, or it is refused. */
  readonly psaName: string;
  /** What the close sets: Autotask's status Complete, or ConnectWise's closing status. */
  readonly closingStatus: string;
}

/** What the confirmation step shows: the ticket, whether it may be resolved now, and the exact note. */
export async function loadResolveConfirmation(
  deps: ResolutionDeps,
  role: Role | undefined,
  runId: number,
): Promise<ResolveConfirmation> {
  const { profile } = deps;
  assertResolvingAllowed(profile);
  const run = await deps.db.run.findUnique({
    where: { id: runId },
    include: { ticket: true, job: { include: { customer: true } } },
  });
  if (!run) throw new NotFoundError(RUN_NOT_FOUND);
  const ticket = createdTicketOf(run.ticket, profile);
  if (ticket.statusClosed) {
    throw new RuleError(`Ticket ${ticketLabel(ticket)} is already ${CLOSED_WORDS[profile.psa].state.toLowerCase()}.`);
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
    psaName: profile.name,
    closingStatus: profile.psa === 'autotask' ? 'Complete' : `the closing status set in the ${profile.name} settings`,
  };
}
