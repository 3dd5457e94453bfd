import type { AutotaskClient } from '../../../autotask/client.ts';
import type { Db, IntegrationSettings } from '../../../db/database.ts';
import type { Actor } from '../../accounts/audit.ts';
import { ensureVisibility, notProvenMessage } from '../../integration/time-entry-visibility.ts';
import { recordEvent, type AuditScope, type ResolveResult } from './flow.ts';
import { ticketLabel, type CreatedTicket } from './rules.ts';

/**
 * Step 0 of a resolve, before the lease and before anything is read from the ticket: fresh proof
 * that the API user sees non-billable time entries, checked with Autotask now when the stored one
 * is missing or older than a day. Without it the time-entry gate could count 0 on a ticket with
 * hidden non-billable time, so the resolve is refused and nothing is written.
 * Returns the result that ends the resolve, or null to go on.
 */
export async function refuseWithoutVisibilityProof(input: {
  readonly db: Db;
  readonly settings: IntegrationSettings;
  readonly client: AutotaskClient;
  readonly actor: Actor;
  readonly scope: AuditScope;
  readonly ticket: CreatedTicket;
  readonly now: () => Date;
}): Promise<ResolveResult | null> {
  const { db, settings, client, actor, scope, ticket, now } = input;
  const visibility = await ensureVisibility(db, settings, () => client, { now });
  if (visibility.proven) return null;
  await recordEvent(
    db,
    actor,
    scope,
    'ticket.resolve_refused',
    `Resolve of ticket ${ticketLabel(ticket)} refused: no proof that the API user sees non-billable time entries`,
    { reason: 'non_billable_not_proven', detail: visibility.reason },
  );
  return { outcome: 'refused_not_proven', level: 'warning', message: notProvenMessage(visibility.reason) };
}
