/**
 * Our reference on a ticket: the value Backupchecks writes when it creates a ticket, and looks for
 * when a create's outcome is unknown (docs/connectwise.md, Idempotency and reconciling a lost answer).
 *
 * Unverified, and kept here so it can change in one place: that `externalXRef` can be used in
 * `conditions` and that no other integration on the tenant writes it (docs/connectwise.md, Service
 * tickets, "Ticket fields for our reference"). The ticket lookup therefore also compares the value it
 * gets back (`tickets.ts`). A custom field would need an admin to create it first.
 */

/** The ticket field that holds our reference. */
export const TICKET_REFERENCE_FIELD = 'externalXRef' as const;

/** The field's maximum length in ConnectWise's spec. */
export const MAX_REFERENCE_LENGTH = 100;

/**
 * Visible ASCII without quotes or a backslash: a reference then never depends on how a condition
 * escapes a quote (`conditions.ts`, `quoteString`).
 */
const REFERENCE = /^[\x21\x23-\x26\x28-\x5B\x5D-\x7E]+$/;

/** The reference as sent and searched; throws a TypeError for one ConnectWise could not hold or find. */
export function validReference(reference: string): string {
  if (reference.length === 0 || reference.length > MAX_REFERENCE_LENGTH || !REFERENCE.test(reference)) {
    throw new TypeError(
      `A ConnectWise ticket reference must be 1–${MAX_REFERENCE_LENGTH} visible ASCII characters without quotes or backslashes`,
    );
  }
  return reference;
}
