import { Prisma, type Db, type NoteState } from '../../db/database.ts';
import type { OpenTicket } from './correlate/candidate.ts';

/**
 * What the ticket cells of a page show beyond the run and its ticket row (views/tickets/run-ticket.ejs,
 * through the view model): who created, linked, added and resolved each shown ticket; the state of
 * the note that says a run was added to a recurring problem's ticket; and, per shown job, the open
 * ticket a run without one may be added to.
 *
 * One statement for the whole page, whatever its size, run beside the page's other queries: the
 * people and notes of the shown runs, and the open tickets of the shown jobs, as two kinds of rows
 * of one UNION ALL. Prisma would load each user relation with a statement of its own.
 */

export interface TicketPeople {
  /** Who created (or, for a linked ticket, linked) the ticket; null for the system or a removed user. */
  readonly createdBy: string | null;
  readonly resolvedBy: string | null;
  /** Who pointed this run at the ticket (Run.ticketLinkedById). */
  readonly linkedBy: string | null;
}

/** The "run added" note of a run that was added to a ticket it was not created from. */
export interface AddedNote {
  readonly state: NoteState;
  readonly lastError: string | null;
  readonly attemptStartedAt: Date;
}

export interface TicketCellData {
  /** By run id: runs with a ticket. */
  readonly people: ReadonlyMap<number, TicketPeople>;
  /** By run id: runs added to a ticket that have a "run added" note row (absent: none was stored). */
  readonly addedNotes: ReadonlyMap<number, AddedNote>;
  /** By job id: the ticket a run of the job without a ticket may be added to. */
  readonly openTickets: ReadonlyMap<number, OpenTicket>;
}

export const noTicketCellData: TicketCellData = { people: new Map(), addedNotes: new Map(), openTickets: new Map() };

interface Row {
  kind: 'run' | 'job';
  runId: number | null;
  createdBy: string | null;
  resolvedBy: string | null;
  linkedBy: string | null;
  noteState: NoteState | null;
  noteError: string | null;
  noteStartedAt: Date | null;
  recordId: number | null;
  jobId: number | null;
  ticketId: number | null;
  ticketNumber: string | null;
  psaType: string | null;
}

const ids = (values: readonly number[]) => (values.length > 0 ? Prisma.join([...new Set(values)]) : Prisma.sql`NULL`);

export async function loadTicketCellData(
  db: Db,
  shown: { readonly runIds: readonly number[]; readonly jobIds: readonly number[] },
): Promise<TicketCellData> {
  if (shown.runIds.length === 0 && shown.jobIds.length === 0) return noTicketCellData;
  // The open-ticket rule of correlate/candidate.ts; the newest per job wins (DISTINCT ON).
  const rows = await db.$queryRaw<Row[]>`
    (SELECT 'run' AS kind, r.id AS "runId", cb.name AS "createdBy", rb.name AS "resolvedBy", lb.name AS "linkedBy",
            n.state::text AS "noteState", n."lastError" AS "noteError", n."attemptStartedAt" AS "noteStartedAt",
            NULL::int AS "recordId", NULL::int AS "jobId", NULL::int AS "ticketId", NULL::text AS "ticketNumber",
            NULL::text AS "psaType"
     FROM "Run" r
     JOIN "Ticket" t ON t.id = r."ticketRecordId"
     LEFT JOIN "User" cb ON cb.id = t."createdById"
     LEFT JOIN "User" rb ON rb.id = t."resolvedById"
     LEFT JOIN "User" lb ON lb.id = r."ticketLinkedById"
     LEFT JOIN LATERAL (
       SELECT tn.state, tn."lastError", tn."attemptStartedAt" FROM "TicketNote" tn
       WHERE tn."ticketRecordId" = t.id AND tn."runId" = r.id AND t."originRunId" <> r.id
       ORDER BY tn.id DESC LIMIT 1
     ) n ON true
     WHERE r.id IN (${ids(shown.runIds)}))
    UNION ALL
    (SELECT DISTINCT ON (t."jobId") 'job', NULL, NULL, NULL, NULL, NULL, NULL, NULL,
            t.id, t."jobId", t."ticketId", t."ticketNumber", t."psaType"
     FROM "Ticket" t
     WHERE t."jobId" IN (${ids(shown.jobIds)}) AND t.state = 'created' AND t."ticketId" IS NOT NULL
       AND t."resolvedAt" IS NULL AND NOT t."statusClosed"
     ORDER BY t."jobId", t."createdAt" DESC, t.id DESC)`;
  return collect(rows);
}

function collect(rows: readonly Row[]): TicketCellData {
  const people = new Map<number, TicketPeople>();
  const addedNotes = new Map<number, AddedNote>();
  const openTickets = new Map<number, OpenTicket>();
  for (const row of rows) {
    if (row.kind === 'job') {
      const jobId = row.jobId!;
      openTickets.set(jobId, {
        id: row.recordId!,
        jobId,
        ticketId: row.ticketId,
        ticketNumber: row.ticketNumber,
        psaType: row.psaType!,
      });
      continue;
    }
    const runId = row.runId!;
    people.set(runId, { createdBy: row.createdBy, resolvedBy: row.resolvedBy, linkedBy: row.linkedBy });
    if (row.noteState) {
      addedNotes.set(runId, { state: row.noteState, lastError: row.noteError, attemptStartedAt: row.noteStartedAt! });
    }
  }
  return { people, addedNotes, openTickets };
}
