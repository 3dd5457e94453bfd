import type { TicketRecord } from '../../db/database.ts';
import { isPsaType, PSA_NAMES, type PsaProfile, type PsaType } from '../../psa/port.ts';

/**
 * Which PSA a ticket record lives in. One PSA is active at a time (src/psa/switch.ts); a ticket of
 * the PSA that was active when it was created or linked stays linked after a switch and is shown
 * with what was last read of it, but nothing about it is sent to any PSA any more: resolve, notes
 * and "Add to ticket" refuse it with `otherPsaSentence`.
 */

type WithPsa = Pick<TicketRecord, 'psaType'>;

/** The ticket's PSA; a value the port does not know is read as Autotask, the column's default. */
export function psaOfTicket(t: WithPsa): PsaType {
  return isPsaType(t.psaType) ? t.psaType : 'autotask';
}

/** "Autotask", "ConnectWise": how pages name the ticket's PSA. */
export const psaNameOfTicket = (t: WithPsa): string => PSA_NAMES[psaOfTicket(t)];

/** The ticket lives in the PSA the profile is for. */
export const isOfProfile = (t: WithPsa, profile: Pick<PsaProfile, 'psa'>): boolean => psaOfTicket(t) === profile.psa;

/** Why nothing is sent about a ticket of a PSA that is no longer the active one. */
export const otherPsaSentence = (t: WithPsa): string =>
  `This ticket is in ${psaNameOfTicket(t)}, which is no longer the active PSA: open it there.`;

/**
 * How each PSA names a closed ticket: Autotask's closing status is Complete; ConnectWise closes a
 * ticket with whichever board status the settings name.
 */
export interface ClosedWords {
  /** "Complete", "closed": "the ticket is Complete in Autotask". */
  readonly state: string;
  /** "completed", "closed": "was completed in Autotask". */
  readonly verb: string;
}

export const CLOSED_WORDS: Readonly<Record<PsaType, ClosedWords>> = {
  autotask: { state: 'Complete', verb: 'completed' },
  connectwise: { state: 'closed', verb: 'closed' },
};

/** What an operator types to link a ticket: Autotask's ticket number, ConnectWise's ticket id. */
export const TICKET_NUMBER_EXAMPLE: Readonly<Record<PsaType, string>> = {
  autotask: 'T20260113.0042',
  connectwise: '12345',
};
