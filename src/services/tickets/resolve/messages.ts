import type { PsaProfile } from '../../../psa/port.ts';

/**
 * The sentences a resolve shows both on the run pages (next to a disabled "Resolve ticket") and as
 * the answer to the resolve itself, so the two always say the same thing. `psa` is the PSA's name.
 */

export const IN_PROGRESS_MESSAGE = 'Resolve is already in progress for this ticket.';

export const timeEntriesMessage = (count: number, psa: string): string =>
  `This ticket has ${count} time ${count === 1 ? 'entry' : 'entries'} in ${psa}. Resolve it in ${psa}.`;

export const countFailedMessage = (reason: string, psa: string): string =>
  `Could not check time entries in ${psa}: ${reason}`;

/**
 * Shown instead of the action when no note can be written (Autotask: no note type chosen):
 * offering it would only lead to a refusal after the confirmation step.
 */
export function noNoteTypeShort(profile: Pick<PsaProfile, 'psa' | 'noteBlocker'>): string | null {
  if (profile.noteBlocker === null) return null;
  return profile.psa === 'autotask'
    ? 'No note type for the closing note is set in the Autotask settings; an admin can set it under Settings → Autotask.'
    : profile.noteBlocker;
}

/** The answer to a resolve that stopped before the note because none can be written. */
export function noNoteTypeMessage(profile: Pick<PsaProfile, 'psa' | 'noteBlocker'>): string | null {
  if (profile.noteBlocker === null) return null;
  return profile.psa === 'autotask'
    ? 'No note type for the closing note is set in the Autotask settings, so nothing was written. An admin can set it under Settings → Autotask.'
    : `${profile.noteBlocker} Nothing was written.`;
}

export const NOT_RESOLVABLE = 'This ticket cannot be resolved from Backupchecks.';

export const RUN_NOT_FOUND = 'This run does not exist. It may have been removed, or the link is wrong.';
