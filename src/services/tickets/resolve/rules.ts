import type { IntegrationSettings, Role, TicketRecord } from '../../../db/database.ts';
import { RuleError } from '../../../errors/catalogue.ts';
import { paths } from '../../../paths.ts';
import { statusLabelFrom } from '../status-snapshots.ts';

/**
 * What decides whether a ticket may be resolved from Backupchecks at all, and the fixed values a
 * resolve writes to Autotask.
 */

/**
 * Autotask's status "Complete". It is a system status, and system statuses have the same id in
 * every tenant, so it is known without the picklists.
 */
export const COMPLETE_STATUS = 5;
/** `publish` = 2: visible to Autotask users only, never to the customer. */
export const INTERNAL_PUBLISH = 2;
export const CLOSING_NOTE_TITLE = 'Resolved via Backupchecks';

/** Resolving is possible at all: the integration is on and Settings allow resolving. */
export function resolveBlocker(s: IntegrationSettings): string | null {
  if (!s.enabled) return 'The Autotask integration is switched off.';
  if (!s.allowResolve) return 'Resolving tickets from Backupchecks is switched off in the Autotask settings.';
  return null;
}

/** The same check as a guard: RuleError pointing at the Autotask settings, where it is switched on. */
export function assertResolvingAllowed(s: IntegrationSettings): void {
  const blocker = resolveBlocker(s);
  if (blocker) throw new RuleError(blocker, paths.settings.autotask);
}

export const canResolve = (role: Role | undefined): boolean => role === 'admin' || role === 'operator';

export type CreatedTicket = TicketRecord & { ticketId: number };

/** The run's ticket, when it was created in Autotask; RuleError otherwise. */
export function createdTicketOf(ticket: TicketRecord | null): CreatedTicket {
  if (!ticket) throw new RuleError('This run has no Autotask ticket to resolve.');
  if (ticket.state !== 'created' || ticket.ticketId === null) {
    throw new RuleError('The Autotask ticket of this run has not been created (yet), so it cannot be resolved.');
  }
  return ticket as CreatedTicket;
}

export const ticketLabel = (t: Pick<TicketRecord, 'ticketNumber' | 'ticketId'>): string =>
  t.ticketNumber ?? `#${t.ticketId ?? '?'}`;

/** The label of a status, from the picklists cached with the settings (Complete is known without them). */
export function statusLabelOf(settings: Pick<IntegrationSettings, 'picklists'>, statusId: number): string {
  return (
    statusLabelFrom(settings.picklists, statusId) ?? (statusId === COMPLETE_STATUS ? 'Complete' : `status ${statusId}`)
  );
}
