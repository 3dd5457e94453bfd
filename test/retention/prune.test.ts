import pg from 'pg';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Database, RunStatus } from '../../src/db/database.ts';
import { systemActor } from '../../src/services/accounts/audit.ts';
import { PRUNED_ACTION, pruneExpiredRecords } from '../../src/services/retention/prune.ts';
import { saveRetentionSettings } from '../../src/services/retention/settings.ts';
import { resetData, useTestDatabase } from '../support/db.ts';
import { makeCustomerWithRun } from '../support/fixtures.ts';

/**
 * Pruning (src/services/retention/prune.ts): each kind of record goes once it is older than its
 * setting, a record exactly at the limit stays, runs with an open ticket and runs tickets were
 * created from stay, and a backlog goes in batches.
 */

const ctx = useTestDatabase();
beforeEach(() => resetData(ctx.db));

const DAY = 86_400_000;
/** The clock of every pruning here: the records a test writes without a time (audit events of saves) are not older. */
const now = new Date();
/** `days` days before `now`, plus `ms` milliseconds (negative: older). */
const ago = (days: number, ms = 0) => new Date(now.getTime() - days * DAY + ms);
const JUST_OLDER = -1;
const JUST_INSIDE = 1;

const apiCallLog = (db: Database, at: Date) =>
  db.prisma.apiCallLog.create({
    data: { at, operation: 'query', method: 'GET', path: '/Tickets', ok: true, durationMs: 5 },
  });
const syncLog = (db: Database, startedAt: Date, finished = true, kind = 'company_names') =>
  db.prisma.syncLog.create({
    data: { kind, trigger: 'test', startedAt, ...(finished ? { finishedAt: startedAt, ok: true } : {}) },
  });
const auditEvent = (db: Database, at: Date) =>
  db.prisma.auditEvent.create({ data: { at, actorLabel: 'test', action: 'test.event', summary: 'A test event' } });

/** A job to hang runs on. */
async function makeJob(db: Database): Promise<number> {
  const { job, run } = await makeCustomerWithRun(db, { runAt: now });
  await db.prisma.run.delete({ where: { id: run.id } });
  return job.id;
}

async function makeRun(db: Database, jobId: number, runAt: Date, objects = 2, status: RunStatus = 'error') {
  return db.prisma.run.create({
    data: {
      jobId,
      runAt,
      status,
      objects: {
        create: Array.from({ length: objects }, (_, position) => ({ position, name: `VM ${position}`, status })),
      },
    },
  });
}

type TicketState = 'open' | 'resolved' | 'complete' | 'pending' | 'failed';

/** A ticket created (or being created) from `originRunId`, as the ticket flows leave the row. */
async function makeTicket(db: Database, jobId: number, originRunId: number, state: TicketState) {
  const created = state === 'open' || state === 'resolved' || state === 'complete';
  const ticket = await db.prisma.ticket.create({
    data: {
      originRunId,
      jobId,
      reference: `BC-RUN-${originRunId}-test`,
      state: created ? 'created' : state,
      ticketId: created ? 7000 + originRunId : null,
      ticketNumber: created ? `T20270101.${String(originRunId).padStart(4, '0')}` : null,
      statusId: state === 'complete' ? 5 : created ? 1 : null,
      // What the PSA said of that status: Autotask's Complete is a closed one.
      statusClosed: state === 'complete',
      resolvedAt: state === 'resolved' ? ago(500) : null,
    },
  });
  await db.prisma.run.update({ where: { id: originRunId }, data: { ticketRecordId: ticket.id, ticketLinkedAt: now } });
  return ticket;
}

/** A later run added to a ticket ("Add to ticket"): it points at the ticket, but is not its origin. */
const addToTicket = (db: Database, runId: number, ticketId: number) =>
  db.prisma.run.update({ where: { id: runId }, data: { ticketRecordId: ticketId, ticketLinkedAt: now } });

const remainingIds = async (rows: Promise<Array<{ id: number }>>) =>
  (await rows).map((r) => r.id).sort((a, b) => a - b);

describe('pruneExpiredRecords with the default settings', () => {
  it('removes what is older than 30, 90 and 400 days, keeps a record at the limit and all audit events', async () => {
    const db = ctx.db;
    const jobId = await makeJob(db);
    await apiCallLog(db, ago(30, JUST_OLDER));
    const apiAtLimit = await apiCallLog(db, ago(30));
    const apiInside = await apiCallLog(db, ago(30, JUST_INSIDE));
    await syncLog(db, ago(90, JUST_OLDER));
    const syncAtLimit = await syncLog(db, ago(90));
    await syncLog(db, ago(200), true, 'ticket_statuses');
    const runOld = await makeRun(db, jobId, ago(400, JUST_OLDER), 3);
    const runAtLimit = await makeRun(db, jobId, ago(400));
    const runRecent = await makeRun(db, jobId, ago(1));
    const ancientEvent = await auditEvent(db, ago(3650));

    const result = await pruneExpiredRecords(db.prisma, { now });

    expect(result).toEqual({
      deleted: { apiCallLogs: 1, syncLogs: 2, runs: 1, runObjects: 3, auditEvents: 0 },
      unfinished: [],
    });
    expect(await remainingIds(db.prisma.apiCallLog.findMany())).toEqual([apiAtLimit.id, apiInside.id]);
    expect(await remainingIds(db.prisma.syncLog.findMany())).toEqual([syncAtLimit.id]);
    expect(await remainingIds(db.prisma.run.findMany())).toEqual([runAtLimit.id, runRecent.id]);
    // The objects went with their run (the foreign key cascades); the others' stay.
    expect(await db.prisma.runObject.count({ where: { runId: runOld.id } })).toBe(0);
    expect(await db.prisma.runObject.count()).toBe(4);
    expect(await db.prisma.auditEvent.findUnique({ where: { id: ancientEvent.id } })).not.toBeNull();
  });

  it('records what it removed as an audit event, and nothing when nothing was old enough', async () => {
    const db = ctx.db;
    await apiCallLog(db, ago(31));
    await apiCallLog(db, ago(45));
    await pruneExpiredRecords(db.prisma, { now });
    const events = await db.prisma.auditEvent.findMany({ where: { action: PRUNED_ACTION } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorId: null,
      actorLabel: 'system',
      summary: 'Removed old records: 2 API call log entries',
    });

    const quiet = await pruneExpiredRecords(db.prisma, { now });
    expect(quiet.deleted).toEqual({ apiCallLogs: 0, syncLogs: 0, runs: 0, runObjects: 0, auditEvents: 0 });
    expect(await db.prisma.auditEvent.count({ where: { action: PRUNED_ACTION } })).toBe(1);
  });

  it('removes an unfinished sync only once it is as old as a finished one may be', async () => {
    const db = ctx.db;
    await syncLog(db, ago(90, JUST_OLDER), false);
    const running = await syncLog(db, ago(0, -60_000), false, 'ticket_statuses');
    const recentUnfinished = await syncLog(db, ago(89), false);
    expect((await pruneExpiredRecords(db.prisma, { now })).deleted.syncLogs).toBe(1);
    expect(await remainingIds(db.prisma.syncLog.findMany())).toEqual([running.id, recentUnfinished.id]);
  });
});

describe('pruneExpiredRecords with saved settings', () => {
  it('uses each setting, removes audit events once they have a limit, and keeps those at it', async () => {
    const db = ctx.db;
    await saveRetentionSettings(
      db.prisma,
      { apiCallLogDays: 2, syncLogDays: 7, runDays: 30, auditEventDays: 60 },
      systemActor,
    );
    const jobId = await makeJob(db);
    await apiCallLog(db, ago(2, JUST_OLDER));
    const apiKept = await apiCallLog(db, ago(2));
    await syncLog(db, ago(7, JUST_OLDER));
    const syncKept = await syncLog(db, ago(7, JUST_INSIDE));
    await makeRun(db, jobId, ago(30, JUST_OLDER), 1);
    const runKept = await makeRun(db, jobId, ago(30));
    const oldEvent = await auditEvent(db, ago(60, JUST_OLDER));
    const eventKept = await auditEvent(db, ago(60));

    const { deleted } = await pruneExpiredRecords(db.prisma, { now });

    expect(deleted).toEqual({ apiCallLogs: 1, syncLogs: 1, runs: 1, runObjects: 1, auditEvents: 1 });
    expect(await remainingIds(db.prisma.apiCallLog.findMany())).toEqual([apiKept.id]);
    expect(await remainingIds(db.prisma.syncLog.findMany())).toEqual([syncKept.id]);
    expect(await remainingIds(db.prisma.run.findMany())).toEqual([runKept.id]);
    expect(await db.prisma.auditEvent.findUnique({ where: { id: oldEvent.id } })).toBeNull();
    expect(await db.prisma.auditEvent.findUnique({ where: { id: eventKept.id } })).not.toBeNull();
  });

  it('holds a setting written around the form to its minimum: runs stay at least 30 days', async () => {
    const db = ctx.db;
    await db.prisma.retentionSettings.create({ data: { id: 1, runDays: 1, apiCallLogDays: 0 } });
    const jobId = await makeJob(db);
    const run = await makeRun(db, jobId, ago(29));
    const log = await apiCallLog(db, ago(0, -3_600_000));
    const { deleted } = await pruneExpiredRecords(db.prisma, { now });
    expect(deleted.runs).toBe(0);
    expect(deleted.apiCallLogs).toBe(0);
    expect(await db.prisma.run.findUnique({ where: { id: run.id } })).not.toBeNull();
    expect(await db.prisma.apiCallLog.findUnique({ where: { id: log.id } })).not.toBeNull();
  });
});

describe('runs and their tickets', () => {
  it('keeps old runs whose ticket is open and runs tickets came from; removes those of closed tickets', async () => {
    const db = ctx.db;
    const jobId = await makeJob(db);
    const old = () => makeRun(db, jobId, ago(500));

    // An open ticket: its origin run and a run added to it later stay.
    const openOrigin = await old();
    const open = await makeTicket(db, jobId, openOrigin.id, 'open');
    const addedToOpen = await old();
    await addToTicket(db, addedToOpen.id, open.id);
    // A ticket resolved from Backupchecks, and one closed in Autotask (Complete): runs added to
    // them go; their origin runs stay, because the ticket row (never pruned) refers to them.
    const resolvedOrigin = await old();
    const resolved = await makeTicket(db, jobId, resolvedOrigin.id, 'resolved');
    const addedToResolved = await old();
    await addToTicket(db, addedToResolved.id, resolved.id);
    const completeOrigin = await old();
    const complete = await makeTicket(db, jobId, completeOrigin.id, 'complete');
    const addedToComplete = await old();
    await addToTicket(db, addedToComplete.id, complete.id);
    // A ticket still being created, and one whose creation failed: neither is closed.
    const pendingOrigin = await old();
    await makeTicket(db, jobId, pendingOrigin.id, 'pending');
    const failedOrigin = await old();
    await makeTicket(db, jobId, failedOrigin.id, 'failed');
    // The "run added" note on the resolved ticket names a run that goes: the note stays.
    const note = await db.prisma.ticketNote.create({
      data: {
        ticketRecordId: resolved.id,
        reference: 'BC-NOTE-1-test',
        runId: addedToResolved.id,
        title: 'Run added',
        text: 'Another failed run',
        visibility: 'internal',
        noteTypeId: 1,
        state: 'created',
      },
    });
    const withoutTicket = await old();

    const { deleted } = await pruneExpiredRecords(db.prisma, { now });

    expect(deleted).toMatchObject({ runs: 3, runObjects: 6 });
    expect(await remainingIds(db.prisma.run.findMany())).toEqual(
      [openOrigin, addedToOpen, resolvedOrigin, completeOrigin, pendingOrigin, failedOrigin]
        .map((r) => r.id)
        .sort((a, b) => a - b),
    );
    for (const gone of [addedToResolved, addedToComplete, withoutTicket]) {
      expect(await db.prisma.runObject.count({ where: { runId: gone.id } })).toBe(0);
    }
    expect(await db.prisma.ticket.count()).toBe(5);
    expect(await db.prisma.ticketNote.findUnique({ where: { id: note.id } })).not.toBeNull();
    // Once the open ticket is resolved, the run added to it goes on the next pruning.
    await db.prisma.ticket.update({ where: { id: open.id }, data: { resolvedAt: now } });
    expect((await pruneExpiredRecords(db.prisma, { now })).deleted.runs).toBe(1);
    expect(await db.prisma.run.findUnique({ where: { id: addedToOpen.id } })).toBeNull();
    expect(await db.prisma.run.findUnique({ where: { id: openOrigin.id } })).not.toBeNull();
  });
});

describe('a run a ticket is being created from right now', () => {
  // A second connection holding a transaction open (PostgreSQL only: an embedded database has one).
  it.runIf(Boolean(process.env['TEST_DATABASE_URL']))(
    'is skipped, not waited for, and stays once that ticket is committed',
    async () => {
      const db = ctx.db;
      const jobId = await makeJob(db);
      const claimed = await makeRun(db, jobId, ago(500));
      const other = await makeRun(db, jobId, ago(500));
      const client = new pg.Client({ connectionString: db.url! });
      await client.connect();
      try {
        await client.query('BEGIN');
        // As "Create ticket" inserts its claim: the foreign key holds the run's row until commit.
        await client.query(
          `INSERT INTO "Ticket" ("originRunId", "jobId", "reference", "updatedAt") VALUES ($1, $2, 'BC-RUN-claim', now())`,
          [claimed.id, jobId],
        );
        const { deleted } = await pruneExpiredRecords(db.prisma, { now });
        expect(deleted.runs).toBe(1);
        await client.query('COMMIT');
      } finally {
        await client.end();
      }
      expect(await db.prisma.run.findUnique({ where: { id: other.id } })).toBeNull();
      expect(await db.prisma.ticket.findUnique({ where: { originRunId: claimed.id } })).not.toBeNull();
      // From now on the committed ticket keeps its origin run.
      expect((await pruneExpiredRecords(db.prisma, { now })).deleted.runs).toBe(0);
    },
  );
});

describe('batches', () => {
  it('removes 5 rows in batches of 2 until a batch finds fewer', async () => {
    const db = ctx.db;
    const jobId = await makeJob(db);
    for (let i = 0; i < 5; i++) {
      await apiCallLog(db, ago(40 + i));
      await syncLog(db, ago(100 + i), true, i % 2 === 0 ? 'company_names' : 'ticket_statuses');
      await makeRun(db, jobId, ago(401 + i), 1);
    }
    const { deleted, unfinished } = await pruneExpiredRecords(db.prisma, { now, batchSize: 2 });
    expect(deleted).toEqual({ apiCallLogs: 5, syncLogs: 5, runs: 5, runObjects: 5, auditEvents: 0 });
    expect(unfinished).toEqual([]);
    expect(await db.prisma.apiCallLog.count()).toBe(0);
    expect(await db.prisma.syncLog.count()).toBe(0);
    expect(await db.prisma.run.count()).toBe(0);
  });

  it('stops at maxBatches and says so; the next call goes on where it stopped', async () => {
    const db = ctx.db;
    for (let i = 0; i < 5; i++) await apiCallLog(db, ago(40 + i));
    const first = await pruneExpiredRecords(db.prisma, { now, batchSize: 2, maxBatches: 2 });
    expect(first.deleted.apiCallLogs).toBe(4);
    expect(first.unfinished).toEqual(['apiCallLogs']);
    expect(await db.prisma.apiCallLog.count()).toBe(1);
    const second = await pruneExpiredRecords(db.prisma, { now, batchSize: 2, maxBatches: 2 });
    expect(second).toMatchObject({ deleted: { apiCallLogs: 1 }, unfinished: [] });
    expect(await db.prisma.apiCallLog.count()).toBe(0);
  });
});
