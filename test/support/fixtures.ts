import { randomBytes } from 'node:crypto';
import type { Simulator } from '@backupchecks/autotask-simulator';
import type { Database, RunStatus } from '../../src/db/database.ts';
import { nameKeyOf } from '../../src/services/customers/customers.ts';
import { demoDefaults } from './autotask.ts';

/**
 * Shared test data, written straight through Prisma (and into the simulator where Autotask is
 * involved), so a test can start from any state without going through other flows.
 */

const unique = (): string => randomBytes(3).toString('hex');
let nextCompanyId = 900_000 + Math.floor(Math.random() * 1000) * 100;

export interface CustomerWithRunOptions {
  readonly customerName?: string;
  readonly jobName?: string;
  readonly status?: RunStatus;
  readonly runAt?: Date;
  /**
   * Autotask company id of an `ok` mapping; null: not mapped. Default: a fresh id of its own (a
   * company id maps to one customer only), which the simulator does not know.
   */
  readonly companyId?: number | null;
  /** Default 'Failed: 1 of 2 objects'; null for a run without a remark. */
  readonly remark?: string | null;
  /** Objects of the run, in reported order. */
  readonly objects?: ReadonlyArray<{ name: string; status: RunStatus; type?: string | null; message?: string | null }>;
}

/** A customer (mapped to an Autotask company unless companyId is null), one job and one run. */
export async function makeCustomerWithRun(database: Database, options: CustomerWithRunOptions = {}) {
  const db = database.prisma;
  const name = options.customerName ?? `Customer ${unique()}`;
  const companyId = options.companyId === undefined ? nextCompanyId++ : options.companyId;
  const customer = await db.customer.create({
    data: {
      name,
      nameKey: nameKeyOf(name),
      mapping:
        companyId === null
          ? { create: { status: 'missing' } }
          : {
              create: {
                companyId,
                companyName: `Company ${companyId}`,
                status: 'ok',
                lastSyncAt: new Date(),
                mappedAt: new Date(),
              },
            },
    },
    include: { mapping: true },
  });
  const job = await db.job.create({
    data: {
      customerId: customer.id,
      name: options.jobName ?? `Job ${unique()}`,
      backupSoftware: 'Veeam Backup & Replication',
      backupType: 'VM backup',
    },
  });
  const run = await db.run.create({
    data: {
      jobId: job.id,
      runAt: options.runAt ?? new Date(),
      status: options.status ?? 'error',
      remark: options.remark === undefined ? 'Failed: 1 of 2 objects' : options.remark,
      objects: {
        create: (options.objects ?? []).map((o, position) => ({
          position,
          name: o.name,
          status: o.status,
          type: o.type ?? null,
          message: o.message ?? null,
        })),
      },
    },
  });
  return { customer, job, run };
}

export interface CreatedTicketOptions {
  /** Status of the ticket in Autotask (1 New by default). */
  readonly status?: number;
  readonly companyId?: number;
  readonly createdById?: number | null;
}

/**
 * A ticket creation that an instance began `minutesAgo` and never finished (a crash between its
 * POST and the database update): the run's ticket row, pending, with `reference`.
 */
export async function makePendingTicket(
  database: Database,
  run: { id: number; jobId: number },
  reference: string,
  minutesAgo: number,
) {
  return database.prisma.ticket.create({
    data: {
      originRunId: run.id,
      jobId: run.jobId,
      runs: { connect: { id: run.id } },
      state: 'pending',
      reference,
      attemptStartedAt: new Date(Date.now() - minutesAgo * 60_000),
    },
  });
}

/**
 * A run whose Autotask ticket already exists: the ticket in the simulator, and a TicketRecord row in
 * state `created` pointing at it, as the create flow leaves it.
 */
export async function makeCreatedTicket(
  database: Database,
  sim: Simulator,
  runId: number,
  options: CreatedTicketOptions = {},
) {
  const reference = `BC-RUN-${runId}-${unique()}`;
  const status = options.status ?? 1;
  const ticket = sim.state.addTicket({
    title: `[Backupchecks] run ${runId}`,
    companyID: options.companyId ?? 105,
    status,
    priority: demoDefaults.priorityErrorId,
    queueID: demoDefaults.queueId,
    issueType: demoDefaults.issueTypeId,
    subIssueType: demoDefaults.subIssueTypeId,
    externalID: reference,
  });
  const { jobId } = await database.prisma.run.findUniqueOrThrow({ where: { id: runId }, select: { jobId: true } });
  const runTicket = await database.prisma.ticket.create({
    data: {
      originRunId: runId,
      jobId,
      runs: { connect: { id: runId } },
      state: 'created',
      reference,
      ticketId: ticket.id,
      ticketNumber: ticket.ticketNumber,
      url: sim.ticketUrl(ticket.id),
      createdById: options.createdById ?? null,
      statusId: status,
      statusLabel: status === 5 ? 'Complete' : 'New',
      // Complete is Autotask's closing status: the app stores that alongside, as a read would.
      statusClosed: status === 5,
      statusCheckedAt: new Date(),
    },
  });
  return { ticket, runTicket };
}
