import type { RunStatus } from '../../db/database.ts';
import { formatDateTime } from '../../shared/time.ts';

/**
 * What goes into a PSA ticket for a run: the title and the description. Pure
 * functions, so the length rules can be tested without a PSA or a database.
 *
 * Lengths are counted in UTF-16 code units (JavaScript's `length`), which is how Autotask's
 * nvarchar fields count: a title of 255 and a description of 8,000 always fit.
 */

export const TITLE_MAX = 255;
export const DESCRIPTION_MAX = 8_000;
/** One object's line is capped so a single huge message cannot push every other object out. */
export const OBJECT_LINE_MAX = 600;
/** The remark comes first; capped so the run facts, objects and the link still fit after it. */
export const REMARK_MAX = 2_000;

const ELLIPSIS = '…';

export const statusLabel: Record<RunStatus, string> = {
  error: 'Error',
  missed: 'Missed',
  warning: 'Warning',
  success: 'Success',
};

/** Whitespace (newlines from e-mails included) collapsed to single spaces: titles and object lines are one line. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** `text` in at most `max` code units, ending in "…" when cut; never splits a surrogate pair. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let end = max - ELLIPSIS.length;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, Math.max(0, end))}${ELLIPSIS}`;
}

export interface TitleInput {
  readonly customerName: string;
  readonly jobName: string;
  readonly status: RunStatus;
}

/**
 * `[Backupchecks] <customer> - <job> - <status>`, at most 255 characters. When too long, the
 * customer and job names are shortened with "…" (the longer one gives up more); the prefix and
 * the status always stay whole, because the status is what a dispatcher sorts on.
 */
export function ticketTitle(input: TitleInput): string {
  const prefix = '[Backupchecks] ';
  const suffix = ` - ${statusLabel[input.status]}`;
  const customer = oneLine(input.customerName);
  const job = oneLine(input.jobName);
  const separator = ' - ';
  const full = `${prefix}${customer}${separator}${job}${suffix}`;
  if (full.length <= TITLE_MAX) return full;

  const room = TITLE_MAX - prefix.length - suffix.length - separator.length;
  const half = Math.floor(room / 2);
  // A short name keeps all of itself and leaves the rest to the other one.
  const customerRoom = customer.length <= half ? customer.length : Math.max(half, room - job.length);
  const jobRoom = room - customerRoom;
  return `${prefix}${shorten(customer, customerRoom)}${separator}${shorten(job, jobRoom)}${suffix}`;
}

export interface ContentObject {
  readonly name: string;
  readonly type: string | null;
  readonly status: RunStatus;
  readonly message: string | null;
  /** Order within the run as reported; ties within a status keep this order. */
  readonly position: number;
}

export interface DescriptionInput {
  readonly customerName: string;
  readonly jobName: string;
  readonly backupSoftware: string;
  readonly backupType: string;
  readonly status: RunStatus;
  readonly runAt: Date;
  readonly remark: string | null;
  /**
   * The run's objects, or the first of them: errors and warnings are listed, successes are not
   * (they are not affected). Order does not matter; errors come first, then warnings.
   */
  readonly objects: readonly ContentObject[];
  /** How many error and warning objects the run has in total, when `objects` holds only some. */
  readonly affectedTotal?: number;
  /** `<base URL>/runs/<id>`; null when no base URL is configured (the run number is still given). */
  readonly runUrl: string | null;
  readonly runId: number;
  /** The run ticket's reference (also in the ticket's reference field: Autotask externalID, ConnectWise externalXRef). */
  readonly reference: string;
  /** IANA zone for the run time, e.g. Europe/Amsterdam; the UTC time is given too. */
  readonly timezone: string;
}

/** Names are short in practice; the cap only keeps a pathological one from crowding out the rest. */
const fact = (text: string): string => shorten(oneLine(text), 300);

const severity: Record<RunStatus, number> = { error: 0, missed: 1, warning: 2, success: 3 };

/** One error or warning object as a line of a ticket or note: `- [Error] HV01 (VM): message`. */
export function objectLine(o: ContentObject): string {
  const type = o.type ? ` (${oneLine(o.type)})` : '';
  const message = o.message ? `: ${oneLine(o.message)}` : '';
  return shorten(`- [${statusLabel[o.status]}] ${oneLine(o.name)}${type}${message}`, OBJECT_LINE_MAX);
}

export const moreObjectsLine = (n: number): string => `…and ${n} more object${n === 1 ? '' : 's'} — see Backupchecks`;

/**
 * The ticket description, plain text, at most 8,000 characters:
 *   the remark (if any) · the run facts (time with zone, software, type, job) · the error and
 *   warning objects, errors first · "…and N more objects — see Backupchecks" when cut · the link
 *   to the run in Backupchecks and our reference. A missed run has no objects: it says that no run
 *   arrived, with the expected time (its remark gives the window and deadline).
 * The facts and the link are always there; objects fill the room that is left.
 */
export function ticketDescription(input: DescriptionInput): string {
  const head: string[] = [];
  if (input.remark && input.remark.trim()) {
    head.push(`Remark: ${shorten(input.remark.trim(), REMARK_MAX)}`, '');
  }
  const utc = input.runAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const missed = input.status === 'missed';
  head.push(
    // A missed run's remark (written by missed-run detection) names its window and deadline.
    missed ? 'No backup run arrived in its scheduled window.' : `Backup run with status ${statusLabel[input.status]}.`,
    `Customer: ${fact(input.customerName)}`,
    `${missed ? 'Expected at' : 'Run date/time'}: ${formatDateTime(input.runAt, input.timezone)} (${utc})`,
    `Backup software: ${fact(input.backupSoftware)}`,
    `Backup type: ${fact(input.backupType)}`,
    `Job: ${fact(input.jobName)}`,
    '',
  );

  const affected = input.objects
    .filter((o) => o.status !== 'success')
    .sort((a, b) => severity[a.status] - severity[b.status] || a.position - b.position);
  const total = Math.max(input.affectedTotal ?? affected.length, affected.length);

  const tail = [
    '',
    input.runUrl ? `Run in Backupchecks: ${input.runUrl}` : `Backupchecks run #${input.runId}`,
    `Backupchecks reference: ${input.reference}`,
  ].join('\n');

  const headText = head.join('\n');
  if (missed) {
    return fit(`${headText}\nNo run arrived by the end of the grace period, so there are no objects to list.\n${tail}`);
  }
  if (total === 0) {
    return fit(`${headText}\nNo objects reported an error or a warning.\n${tail}`);
  }
  const heading = `Affected objects (${countText(affected, total)}):`;
  // Room for the object lines, keeping space for the "…and N more" line (at its longest).
  const fixed = headText.length + 1 + heading.length + 1 + tail.length;
  const reserve = moreObjectsLine(total).length + 1;
  const lines: string[] = [];
  let used = 0;
  for (const o of affected) {
    const line = objectLine(o);
    const remaining = total - lines.length - 1;
    const needed = used + line.length + 1 + (remaining > 0 ? reserve : 0);
    if (fixed + needed > DESCRIPTION_MAX) break;
    lines.push(line);
    used += line.length + 1;
  }
  const left = total - lines.length;
  if (left > 0) lines.push(moreObjectsLine(left));
  return fit(`${headText}\n${heading}\n${lines.join('\n')}\n${tail}`);
}

function countText(listed: readonly ContentObject[], total: number): string {
  const errors = listed.filter((o) => o.status === 'error').length;
  const warnings = listed.filter((o) => o.status === 'warning').length;
  // With only some objects loaded the split is unknown past them; the total is exact.
  if (errors + warnings === total) {
    return [
      errors && `${errors} error${errors === 1 ? '' : 's'}`,
      warnings && `${warnings} warning${warnings === 1 ? '' : 's'}`,
    ]
      .filter(Boolean)
      .join(', ');
  }
  return `${total} with errors or warnings`;
}

/** Last line of defence: the budget above already keeps within the limit; this guarantees it. */
function fit(text: string): string {
  return shorten(text, DESCRIPTION_MAX);
}
