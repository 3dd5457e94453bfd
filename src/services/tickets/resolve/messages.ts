/**
 * The sentences a resolve shows both on the run pages (next to a disabled "Resolve ticket") and as
 * the answer to the resolve itself, so the two always say the same thing.
 */

export const IN_PROGRESS_MESSAGE = 'Resolve is already in progress for this ticket.';

export const timeEntriesMessage = (count: number): string =>
  `This ticket has ${count} time ${count === 1 ? 'entry' : 'entries'} in Autotask. Resolve it in Autotask.`;

export const countFailedMessage = (reason: string): string => `Could not check time entries in Autotask: ${reason}`;

/** Shown instead of the action: offering it would only lead to a refusal after the confirmation step. */
export const NO_NOTE_TYPE_SHORT =
  'No note type for the closing note is set in the Autotask settings; an admin can set it under Settings → Autotask.';

export const NOT_RESOLVABLE = 'This ticket cannot be resolved from Backupchecks.';

export const RUN_NOT_FOUND = 'This run does not exist. It may have been removed, or the link is wrong.';
