import type { Db } from '../../../db/database.ts';
import type { PsaProfile } from '../../../psa/port.ts';
import type { Actor } from '../../accounts/audit.ts';
import { recordEvent, type AuditScope, type ResolveResult } from './flow.ts';
import { ticketLabel, type CreatedTicket } from './rules.ts';

/**
 * Step 0 of a resolve, before the lease and before anything is read from the ticket: fresh proof
 * that the API user sees every time entry (Autotask: non-billable ones too), checked with the PSA
 * now when the stored one is missing or older than a day (`PsaProfile.ensureTimeEntryVisibility`).
 * Without it the time-entry gate could count 0 on a ticket with hidden time, so the resolve is
 * refused and nothing is written.
 * Returns the result that ends the resolve, or null to go on.
 */
export async function refuseWithoutVisibilityProof(input: {
  readonly db: Db;
  readonly profile: PsaProfile;
  readonly actor: Actor;
  readonly scope: AuditScope;
  readonly ticket: CreatedTicket;
  readonly now: () => Date;
}): Promise<ResolveResult | null> {
  const { db, profile, actor, scope, ticket, now } = input;
  const visibility = await profile.ensureTimeEntryVisibility({ now });
  if (visibility.proven) return null;
  const reason = visibility.reason ?? '';
  await recordEvent(
    db,
    actor,
    scope,
    'ticket.resolve_refused',
    `Resolve of ticket ${ticketLabel(ticket)} refused: no proof that the API user sees ${profile.psa === 'autotask' ? 'non-billable time entries' : 'every time entry'}`,
    { reason: 'non_billable_not_proven', detail: reason },
  );
  return { outcome: 'refused_not_proven', level: 'warning', message: profile.notProvenMessage(reason) };
}
