import { createHash } from 'node:crypto';
import type { RunStatus } from '../../../db/database.ts';
import { formatDateTime } from '../../../shared/time.ts';
import { moreObjectsLine, objectLine, shorten, statusLabel, type ContentObject } from '../ticket-content.ts';

/**
 * The internal note that tells a PSA ticket a further run of its job was added to it: a title
 * naming the run, and its failed objects and the link to the run. Pure, so its limits are tested
 * without a PSA. Lengths are UTF-16 units, as in ticket-content.ts.
 */

/**
 * A note is a short update, not a second ticket description: the run's first errors and warnings
 * and the link to the rest. Our choice; Autotask allows far more (notes/note-rules.ts).
 */
export const RUN_ADDED_TEXT_MAX = 4_000;
/** How many objects are read for the note; more never fit in RUN_ADDED_TEXT_MAX. */
export const RUN_ADDED_OBJECTS = 60;

export interface RunAddedInput {
  readonly runId: number;
  readonly runAt: Date;
  readonly status: RunStatus;
  readonly remark: string | null;
  readonly customerName: string;
  readonly jobName: string;
  /** Error and warning objects, errors first (or the first of them). */
  readonly objects: readonly ContentObject[];
  /** How many error and warning objects the run has in total. */
  readonly affectedTotal: number;
  /** `<base URL>/runs/<id>`; null without a base URL (the run number is given instead). */
  readonly runUrl: string | null;
  readonly timezone: string;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

const outcome: Record<RunStatus, string> = {
  error: 'failed again',
  missed: 'did not run again',
  warning: 'ended with warnings again',
  success: 'was added to this ticket',
};

/** "Backupchecks: run 14/01/2026, 02:30 CET of Acme / Nightly failed again" (the writer adds our reference). */
export function runAddedTitle(input: RunAddedInput): string {
  const who = shorten(`${oneLine(input.customerName)} / ${oneLine(input.jobName)}`, 160);
  return `Backupchecks: run ${formatDateTime(input.runAt, input.timezone)} of ${who} ${outcome[input.status]}`;
}

/**
 * The run, its remark, its error and warning objects (errors first, each line capped, then
 * "…and N more objects") and its link, in at most RUN_ADDED_TEXT_MAX characters. The first lines
 * and the link always fit; objects fill the room between them.
 */
export function runAddedText(input: RunAddedInput): string {
  const head = [
    `Backupchecks added run #${input.runId} of ${shorten(oneLine(input.customerName), 200)} / ${shorten(oneLine(input.jobName), 200)} to this ticket.`,
    `Run date/time: ${formatDateTime(input.runAt, input.timezone)}, status ${statusLabel[input.status]}.`,
  ];
  if (input.remark?.trim()) head.push(`Remark: ${shorten(oneLine(input.remark), 500)}`);
  const tail = input.runUrl ? `Run in Backupchecks: ${input.runUrl}` : `Backupchecks run #${input.runId}`;
  const total = Math.max(input.affectedTotal, input.objects.length);
  if (total === 0) return `${head.join('\n')}\nNo objects reported an error or a warning.\n\n${tail}`;

  const heading = `Failed objects (${total}):`;
  const fixed = head.join('\n').length + 1 + heading.length + 1 + 2 + tail.length;
  const reserve = moreObjectsLine(total).length + 1;
  const lines: string[] = [];
  let used = 0;
  for (const o of input.objects) {
    const line = objectLine(o);
    const more = total - lines.length - 1 > 0 ? reserve : 0;
    if (fixed + used + line.length + 1 + more > RUN_ADDED_TEXT_MAX) break;
    lines.push(line);
    used += line.length + 1;
  }
  if (total > lines.length) lines.push(moreObjectsLine(total - lines.length));
  return shorten(`${head.join('\n')}\n${heading}\n${lines.join('\n')}\n\n${tail}`, RUN_ADDED_TEXT_MAX);
}

/**
 * The note's submission key (`notes/note-rules.ts`: 16 hex digits): derived from the run and the
 * ticket record, so every attempt to write this run's note (a double click, "Try again" after a lost
 * answer) names the same note row and the PSA gets it once.
 */
export function runAddedKey(runId: number, ticketRecordId: number): string {
  return createHash('sha256').update(`run-${runId}-added-to-${ticketRecordId}`).digest('hex').slice(0, 16);
}
