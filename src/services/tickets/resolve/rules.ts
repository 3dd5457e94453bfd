import type { Role, TicketRecord } from '../../../db/database.ts';
import { RuleError } from '../../../errors/catalogue.ts';
import type { PsaProfile, PsaTicket } from '../../../psa/port.ts';
import { isOfProfile, otherPsaSentence, psaNameOfTicket } from '../ticket-psa.ts';

/**
 * What decides whether a ticket may be resolved from Backupchecks at all, and the fixed values a
 * resolve writes to the PSA. Which status closes a ticket is the PSA adapter's (src/psa/).
 */

/**
 * Autotask's status "Complete". It is a system status, and system statuses have the same id in
 * every tenant, so it is known without the picklists. Whether a ticket is closed is
 * `TicketRecord.statusClosed` (any PSA); this stays for the Autotask-only code that still needs it.
 */
export const COMPLETE_STATUS = 5;
export const CLOSING_NOTE_TITLE = 'Resolved via Backupchecks';

type ResolveSettings = Pick<PsaProfile, 'name' | 'enabled' | 'allowResolve'>;

/** Resolving is possible at all: the integration is on and its settings allow resolving. */
export function resolveBlocker(p: ResolveSettings): string | null {
  if (!p.enabled) return `The ${p.name} integration is switched off.`;
  if (!p.allowResolve) return `Resolving tickets from Backupchecks is switched off in the ${p.name} settings.`;
  return null;
}

/** The same check as a guard: RuleError pointing at the PSA's settings, where it is switched on. */
export function assertResolvingAllowed(p: ResolveSettings & Pick<PsaProfile, 'settingsUrl'>): void {
  const blocker = resolveBlocker(p);
  if (blocker) throw new RuleError(blocker, p.settingsUrl);
}

export const canResolve = (role: Role | undefined): boolean => role === 'admin' || role === 'operator';

export type CreatedTicket = TicketRecord & { ticketId: number };

/**
 * The run's ticket, when it was created in the active PSA; RuleError otherwise. A ticket of the
 * PSA that was active before a switch is never resolved from here.
 */
export function createdTicketOf(ticket: TicketRecord | null, profile: Pick<PsaProfile, 'psa' | 'name'>): CreatedTicket {
  if (!ticket) throw new RuleError(`This run has no ${profile.name} ticket to resolve.`);
  if (!isOfProfile(ticket, profile)) throw new RuleError(otherPsaSentence(ticket));
  if (ticket.state !== 'created' || ticket.ticketId === null) {
    throw new RuleError(
      `The ${psaNameOfTicket(ticket)} ticket of this run has not been created (yet), so it cannot be resolved.`,
    );
  }
  return ticket as CreatedTicket;
}

export const ticketLabel = (t: Pick<TicketRecord, 'ticketNumber' | 'ticketId'>): string =>
  t.ticketNumber ?? `#${t.ticketId ?? '?'}`;

/**
 * The label of a status as read: what the PSA sent or the cached lists know; Autotask's Complete is
 * known without them.
 */
export function statusLabelOf(profile: Pick<PsaProfile, 'psa' | 'statusLabel'>, t: PsaTicket): string {
  if (t.statusId === null) return t.statusLabel ?? 'no status';
  const complete = profile.psa === 'autotask' && t.statusId === COMPLETE_STATUS ? 'Complete' : null;
  return t.statusLabel ?? profile.statusLabel(t.statusId) ?? complete ?? `status ${t.statusId}`;
}
