import type { Customer, Db, Job, Prisma } from '../../db/database.ts';
import { RuleError, ValidationError } from '../../errors/catalogue.ts';
import { paths } from '../../paths.ts';
import { parseOrThrow } from '../../shared/validation.ts';
import { audit, type Actor } from '../accounts/audit.ts';
import { addAliasInTransaction } from '../customers/aliases.ts';
import { createCustomer } from '../customers/customers.ts';
import { runInputSchema, type RunInput } from './run-input.ts';
import { isUniqueViolation, runCreateData } from './run-writer.ts';

/**
 * Assigning an unmatched run (src/services/runs/unmatched.ts) to a customer: every waiting report
 * with the same spelling of the customer name becomes a real run of that customer, and the
 * spelling becomes the customer's alias, so later runs with it match by themselves.
 *
 * Each report is claimed by a conditional update (`resolvedAt IS NULL`) inside the transaction
 * that creates its run: of two clicks, two tabs or two admins, the second finds nothing left to
 * claim, so a report becomes one run at most.
 */

export const UNMATCHED_MISSING = 'This unmatched run no longer exists. Reload the list.';
/** Reports per transaction: a report may hold 5,000 objects, so a long list is done in steps. */
const BATCH = 20;
const TRANSACTION_TIMEOUT_MS = 60_000;

export interface AssignOutcome {
  /** The spelling as sent. */
  readonly spelling: string;
  /** The customer the reports went to; for a repeated click, the one they went to before. */
  readonly customerName: string | null;
  readonly assigned: number;
  readonly aliasAdded: boolean;
}

async function loadReport(db: Db, reportId: number) {
  const report = await db.unmatchedRun.findUnique({
    where: { id: reportId },
    select: { id: true, customerName: true, customerKey: true, resolvedAt: true, resolvedRunId: true },
  });
  if (!report) throw new RuleError(UNMATCHED_MISSING);
  return report;
}

/** Who an already assigned report went to, for the message of a repeated click. */
async function assignedCustomerName(db: Db, runId: number | null): Promise<string | null> {
  if (runId === null) return null;
  const run = await db.run.findUnique({ where: { id: runId }, select: { job: { select: { customer: true } } } });
  return run?.job.customer.name ?? null;
}

async function assignableCustomer(db: Db, customerId: number): Promise<Customer> {
  const customer = await db.customer.findUnique({ where: { id: customerId } });
  if (!customer) throw new ValidationError({ customerId: 'Choose a customer from the list.' });
  if (!customer.active) {
    throw new RuleError(
      `Customer ${customer.name} is deactivated; it accepts no runs. Reactivate it first, or choose another customer.`,
      paths.customers.edit(customer.id),
    );
  }
  return customer;
}

/** "Assign": all waiting reports with the spelling of report `reportId` go to customer `customerId`. */
export async function assignUnmatched(
  db: Db,
  actor: Actor,
  reportId: number,
  customerId: number,
  now = new Date(),
): Promise<AssignOutcome> {
  const report = await loadReport(db, reportId);
  if (report.resolvedAt) {
    const customerName = await assignedCustomerName(db, report.resolvedRunId);
    return { spelling: report.customerName, customerName, assigned: 0, aliasAdded: false };
  }
  const customer = await assignableCustomer(db, customerId);
  let assigned = 0;
  let aliasAdded = false;
  for (;;) {
    const waiting = await db.unmatchedRun.findMany({
      where: { customerKey: report.customerKey, resolvedAt: null },
      select: { id: true },
      orderBy: { id: 'asc' },
      take: BATCH,
    });
    if (waiting.length === 0) break;
    const ids = waiting.map((w) => w.id);
    const step = () =>
      db.$transaction((tx) => assignBatch(tx, actor, customer, report.customerName, ids, now), {
        timeout: TRANSACTION_TIMEOUT_MS,
      });
    const done = await step().catch((e: unknown) => {
      // A job or an externalId written at the same moment by ingestion: the second try finds it.
      if (isUniqueViolation(e)) return step();
      throw e;
    });
    // Everything was claimed by someone else meanwhile: stop, rather than loop on their reports.
    if (done.assigned === 0) break;
    assigned += done.assigned;
    aliasAdded ||= done.aliasAdded;
  }
  return { spelling: report.customerName, customerName: customer.name, assigned, aliasAdded };
}

/** "Create customer": a customer named as the sender spelled it, then assign its reports to it. */
export async function createCustomerFromUnmatched(db: Db, actor: Actor, reportId: number): Promise<AssignOutcome> {
  const report = await loadReport(db, reportId);
  if (report.resolvedAt) {
    const customerName = await assignedCustomerName(db, report.resolvedRunId);
    return { spelling: report.customerName, customerName, assigned: 0, aliasAdded: false };
  }
  const customer = await createCustomer(db, actor, report.customerName);
  return assignUnmatched(db, actor, reportId, customer.id);
}

type Tx = Prisma.TransactionClient;

async function assignBatch(
  tx: Tx,
  actor: Actor,
  customer: Customer,
  spelling: string,
  reportIds: readonly number[],
  now: Date,
): Promise<{ assigned: number; aliasAdded: boolean }> {
  const jobs = new Map<string, Job>();
  const runIds: number[] = [];
  const claimed: number[] = [];
  for (const id of reportIds) {
    const claim = await tx.unmatchedRun.updateMany({
      where: { id, resolvedAt: null },
      data: { resolvedAt: now, resolvedById: actor.id },
    });
    if (claim.count === 0) continue;
    // One payload at a time: each may be up to 1 MB.
    const { payload } = await tx.unmatchedRun.findUniqueOrThrow({ where: { id }, select: { payload: true } });
    const input = parseOrThrow(runInputSchema, payload);
    const runId = await createRun(tx, customer.id, input, jobs);
    await tx.unmatchedRun.update({ where: { id }, data: { resolvedRunId: runId } });
    claimed.push(id);
    runIds.push(runId);
  }
  if (claimed.length === 0) return { assigned: 0, aliasAdded: false };
  const aliasAdded = await addAliasInTransaction(tx, actor, customer, spelling);
  await audit(tx, actor, {
    action: 'run.unmatched_assigned',
    summary: `Assigned ${claimed.length} unmatched run${claimed.length === 1 ? '' : 's'} for "${spelling}" to customer ${customer.name}`,
    targetType: 'customer',
    targetId: customer.id,
    details: { spelling, reportIds: claimed, runIds },
  });
  return { assigned: claimed.length, aliasAdded };
}

/**
 * The run, in the caller's transaction. A statement that fails aborts a PostgreSQL transaction, so
 * the job and the externalId are looked up first rather than caught as unique violations; the rare
 * race with ingestion fails the whole step, which assignUnmatched tries once more.
 */
async function createRun(tx: Tx, customerId: number, input: RunInput, jobs: Map<string, Job>): Promise<number> {
  if (input.externalId) {
    // Stored as a run meanwhile (the sender's retry after the customer was added): that run it is.
    const existing = await tx.run.findUnique({ where: { externalId: input.externalId }, select: { id: true } });
    if (existing) return existing.id;
  }
  const where = { customerId_name: { customerId, name: input.job.name } };
  const job =
    jobs.get(input.job.name) ??
    (await tx.job.findUnique({ where })) ??
    (await tx.job.create({ data: { customerId, ...input.job } }));
  jobs.set(input.job.name, job);
  const run = await tx.run.create({ data: runCreateData(job.id, input), select: { id: true } });
  return run.id;
}
