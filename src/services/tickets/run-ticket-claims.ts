import { randomBytes } from 'node:crypto';
import { Prisma, type Db, type TicketRecord } from '../../db/database.ts';
import type { PsaTicket, PsaType } from '../../psa/port.ts';

/**
 * The ticket record's state machine, in the database. Every transition is one conditional UPDATE on
 * (id, state, attemptStartedAt): whoever changes the row first wins and everyone else sees zero rows
 * changed. That, and the unique run id on insert, is what keeps two requests, tabs or app
 * instances from both posting a ticket for the same run.
 *
 *   (none) ──insert──▶ pending ──created──▶ created
 *                        │  ▲
 *        rejected /      │  │ retry click (same row, same reference)
 *        confirmed absent▼  │
 *                        failed
 *
 * A pending row whose outcome is unknown stays pending until a lookup by its reference settles it.
 */

/** `BC-RUN-<run id>-<random>`: unique per row, written into the ticket's reference field (Autotask: externalID). */
export function newReference(runId: number): string {
  return `BC-RUN-${runId}-${randomBytes(4).toString('hex')}`;
}

/**
 * How old a pending attempt must be before anyone may look for its ticket and, when the PSA has
 * none, let it be posted again. Twice the client timeout: one for the POST itself and one for the
 * time it may have waited behind the per-endpoint thread limit (the client's timeout starts when
 * the request is sent, not when it was queued) or the PSA may still be finishing a request the
 * client gave up on. Younger pending rows are "being created" and nobody touches them.
 */
export function settleAfterMs(timeoutMs: number): number {
  return 2 * timeoutMs;
}

export function isSettleable(
  row: Pick<TicketRecord, 'state' | 'attemptStartedAt'>,
  now: Date,
  timeoutMs: number,
): boolean {
  return row.state === 'pending' && now.getTime() - row.attemptStartedAt.getTime() >= settleAfterMs(timeoutMs);
}

/** An operator sentence and, separately, the PSA's own words; kept together in `lastError`. */
export interface Problem {
  readonly message: string;
  readonly detail?: string | undefined;
}

/**
 * Readable as it stands in the column too; split again for the page. The marker predates
 * ConnectWise and stays as it is for every PSA, so that rows written before still split.
 */
const DETAIL_SEPARATOR = '\nAutotask said: ';

export function encodeProblem(p: Problem): string {
  return p.detail ? `${p.message}${DETAIL_SEPARATOR}${p.detail}` : p.message;
}

export function decodeProblem(text: string | null): Problem | null {
  if (!text) return null;
  const at = text.indexOf(DETAIL_SEPARATOR);
  return at === -1
    ? { message: text }
    : { message: text.slice(0, at), detail: text.slice(at + DETAIL_SEPARATOR.length) };
}

type Attempt = Pick<TicketRecord, 'id' | 'attemptStartedAt'>;

const isUniqueViolation = (e: unknown): boolean =>
  e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';

/** Thrown inside the claim's transaction to roll the insert back: the run got a ticket meanwhile. */
class RunAlreadyLinked extends Error {}

/** The columns of a new ticket record besides its run and job (state, reference, who, …). */
export type NewTicketFields = Omit<Prisma.TicketUncheckedCreateInput, 'originRunId' | 'jobId' | 'runs' | 'notes'>;

/**
 * Inserts a ticket record and points the run at it, in one transaction: the unique origin run id
 * (and, for a linked ticket, the unique PSA and ticket id) lets exactly one concurrent caller
 * through, and the run is linked only while it has no ticket (an "Add to ticket" or another link
 * may have won the run meanwhile). Returns null to the others, who then read what won.
 */
export async function insertTicketForRun(
  db: Db,
  run: { readonly id: number; readonly jobId: number },
  fields: NewTicketFields,
  linkedById: number | null,
  now: Date,
): Promise<TicketRecord | null> {
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.ticket.create({ data: { ...fields, originRunId: run.id, jobId: run.jobId } });
      const linked = await tx.run.updateMany({
        where: { id: run.id, ticketRecordId: null },
        data: { ticketRecordId: row.id, ticketLinkedAt: now, ticketLinkedById: linkedById },
      });
      if (linked.count !== 1) throw new RunAlreadyLinked();
      return row;
    });
  } catch (e) {
    if (isUniqueViolation(e) || e instanceof RunAlreadyLinked) return null;
    throw e;
  }
}

/** Who claims an attempt, and in which PSA the ticket is created (the active one). */
export interface Claimant {
  readonly createdById: number | null;
  readonly psaType: PsaType;
}

/** "Create ticket": the pending row whose reference goes into the ticket's reference field (see above). */
export function claimNew(
  db: Db,
  run: { readonly id: number; readonly jobId: number },
  reference: string,
  by: Claimant,
  now: Date,
): Promise<TicketRecord | null> {
  return insertTicketForRun(
    db,
    run,
    { state: 'pending', reference, attemptStartedAt: now, createdById: by.createdById, psaType: by.psaType },
    by.createdById,
    now,
  );
}

/**
 * failed → pending for a retry, keeping the row and its reference (a failed row has no ticket in
 * any PSA, so the reference is free). The row takes the active PSA: an attempt refused before a
 * switch is retried in the PSA now in use. Only one of several simultaneous retries gets the row.
 */
export async function claimRetry(db: Db, row: Attempt, by: Claimant, now: Date): Promise<TicketRecord | null> {
  const [claimed] = await db.ticket.updateManyAndReturn({
    where: { id: row.id, state: 'failed', attemptStartedAt: row.attemptStartedAt },
    data: {
      state: 'pending',
      attemptStartedAt: now,
      lastError: null,
      createdById: by.createdById,
      psaType: by.psaType,
    },
  });
  return claimed ?? null;
}

export interface CreatedFields {
  readonly ticketId: number;
  readonly ticketNumber: string | null;
  readonly url: string | null;
  readonly statusId: number | null;
  readonly statusLabel: string | null;
  /** The PSA counts the status as a closed one. */
  readonly statusClosed: boolean;
  /** Null when the status was not read from the PSA (read-back failed): the next view reads it. */
  readonly statusCheckedAt: Date | null;
  readonly createdAt: Date;
}

/**
 * pending → created for this attempt: the row as stored (one statement, RETURNING). Null when the
 * row was settled by someone else meanwhile.
 */
export async function markCreated(db: Db, row: Attempt, fields: CreatedFields): Promise<TicketRecord | null> {
  const [marked] = await db.ticket.updateManyAndReturn({
    where: { id: row.id, state: 'pending', attemptStartedAt: row.attemptStartedAt },
    data: { state: 'created', lastError: null, ...fields },
  });
  return marked ?? null;
}

/** pending → failed for this attempt: the PSA definitely holds no ticket from it. */
export async function markFailed(db: Db, row: Attempt, problem: Problem): Promise<boolean> {
  const { count } = await db.ticket.updateMany({
    where: { id: row.id, state: 'pending', attemptStartedAt: row.attemptStartedAt },
    data: { state: 'failed', lastError: encodeProblem(problem) },
  });
  return count === 1;
}

/**
 * pending → pending with a new start, before the attempt's POST is sent again (after a
 * thread-threshold refusal that a lookup showed created nothing): the settle time then counts from
 * the new send. Null when the row was settled by someone else meanwhile: then nothing is sent.
 */
export async function renewAttempt(db: Db, row: Attempt, now: Date): Promise<TicketRecord | null> {
  const [renewed] = await db.ticket.updateManyAndReturn({
    where: { id: row.id, state: 'pending', attemptStartedAt: row.attemptStartedAt },
    data: { attemptStartedAt: now },
  });
  return renewed ?? null;
}

/** Stays pending (outcome still unknown); only the message shown with it changes. */
export async function notePending(db: Db, row: Attempt, problem: Problem): Promise<void> {
  await db.ticket.updateMany({
    where: { id: row.id, state: 'pending', attemptStartedAt: row.attemptStartedAt },
    data: { lastError: encodeProblem(problem) },
  });
}

/** The ticket the run points at (created for it, or a recurring problem's ticket it was added to). */
export function findRunTicket(db: Db, runId: number): Promise<TicketRecord | null> {
  return db.ticket.findFirst({ where: { runs: { some: { id: runId } } } });
}

/**
 * The fields a ticket read from the PSA gives the row. `createdAt`: when the ticket was made, as
 * far as we know it (the port carries no creation time of the PSA's).
 */
export function createdFieldsFrom(ticket: PsaTicket, url: string | null, now: Date, createdAt: Date): CreatedFields {
  return {
    ticketId: ticket.id,
    ticketNumber: ticket.number,
    url,
    statusId: ticket.statusId,
    statusLabel: ticket.statusLabel,
    statusClosed: ticket.closed,
    statusCheckedAt: now,
    createdAt,
  };
}
