import { z } from 'zod';
import { Prisma, type Customer, type Db, type MappingStatus, type RunStatus } from '../../db/database.ts';
import { ConflictError, NotFoundError } from '../../errors/catalogue.ts';
import { pageCount } from '../../shared/validation.ts';
import { audit, type Actor } from '../accounts/audit.ts';

export const CUSTOMER_MISSING = 'This customer does not exist.';

/** The key that makes names unique regardless of case and surrounding spaces (Customer.nameKey). */
export const nameKeyOf = (name: string): string => name.trim().toLowerCase();

export const customerNameField = z
  .string({ error: 'Enter a name' })
  .trim()
  .min(1, 'Enter a name')
  .max(200, 'Use at most 200 characters');

export const customerFormSchema = z.object({ name: customerNameField });

export interface CustomerListQuery {
  readonly search?: string | undefined;
  /** Only customers whose Autotask mapping has this status (`missing` includes never mapped). */
  readonly mapping?: MappingStatus | undefined;
  readonly page: number;
  readonly pageSize: number;
}

export interface CustomerRow {
  readonly customer: Prisma.CustomerGetPayload<{ include: { mapping: true } }>;
  readonly jobCount: number;
  readonly unreviewedCount: number;
  /**
   * Worst status among the latest run of each of the customer's jobs: "is anything broken right
   * now?", which a fixed time window answers badly for jobs that run weekly. Null without runs.
   */
  readonly worstRecentStatus: RunStatus | null;
}

/** A missed run (no run arrived) ranks between error and warning, as on Run Checks. */
const severityToStatus: Record<number, RunStatus> = { 1: 'success', 2: 'warning', 3: 'missed', 4: 'error' };

/**
 * One page of customers with their figures. Two queries whatever the page size: the customers (with
 * their Autotask mapping, for the mapping column) and one grouped query for the counts.
 */
export async function listCustomers(db: Db, q: CustomerListQuery) {
  const search = q.search?.trim();
  const where: Prisma.CustomerWhereInput = search ? { name: { contains: search, mode: 'insensitive' } } : {};
  if (q.mapping === 'missing') where.OR = [{ mapping: { is: null } }, { mapping: { is: { status: 'missing' } } }];
  else if (q.mapping) where.mapping = { is: { status: q.mapping } };
  const findPage = (page: number) =>
    db.customer.findMany({
      where,
      include: { mapping: true },
      orderBy: [{ active: 'desc' }, { nameKey: 'asc' }],
      skip: (page - 1) * q.pageSize,
      take: q.pageSize,
    });
  const [firstTry, total] = await Promise.all([findPage(q.page), db.customer.count({ where })]);
  // A page past the end (an old link, a typed number) shows the last page, as Run Checks does.
  const page = Math.min(q.page, pageCount(total, q.pageSize));
  const customers = page === q.page ? firstTry : await findPage(page);
  const ids = customers.map((c) => c.id);
  // Per job: its unreviewed runs and its latest run's status (both served by the (jobId, runAt) index).
  const stats = ids.length
    ? await db.$queryRaw<Array<{ customerId: number; jobCount: number; unreviewed: number; severity: number | null }>>`
        SELECT j."customerId",
               count(*)::int AS "jobCount",
               coalesce(sum(u.n), 0)::int AS unreviewed,
               max(CASE l.status WHEN 'error' THEN 4 WHEN 'missed' THEN 3 WHEN 'warning' THEN 2 WHEN 'success' THEN 1 END)::int AS severity
        FROM "Job" j
        LEFT JOIN LATERAL (SELECT count(*) AS n FROM "Run" r WHERE r."jobId" = j.id AND r."reviewedAt" IS NULL) u ON true
        LEFT JOIN LATERAL (
          SELECT r.status FROM "Run" r WHERE r."jobId" = j.id ORDER BY r."runAt" DESC, r.id DESC LIMIT 1
        ) l ON true
        WHERE j."customerId" IN (${Prisma.join(ids)})
        GROUP BY j."customerId"`
    : [];
  const byId = new Map(stats.map((s) => [s.customerId, s]));
  const rows: CustomerRow[] = customers.map((customer) => {
    const s = byId.get(customer.id);
    return {
      customer,
      jobCount: s?.jobCount ?? 0,
      unreviewedCount: s?.unreviewed ?? 0,
      worstRecentStatus: s?.severity ? (severityToStatus[s.severity] ?? null) : null,
    };
  });
  return { rows, total, page };
}

export async function getCustomer(db: Db, id: number): Promise<Customer> {
  const customer = await db.customer.findUnique({ where: { id } });
  if (!customer) throw new NotFoundError(CUSTOMER_MISSING);
  return customer;
}

/** Active customers for filter drop-downs; deactivated ones are left out on purpose. */
export function listActiveCustomerOptions(db: Db) {
  return db.customer.findMany({
    where: { active: true },
    select: { id: true, name: true },
    orderBy: { nameKey: 'asc' },
  });
}

/** The clash is about the name field: the form shows it there. */
function clash(name: string): ConflictError {
  return new ConflictError(`A customer named ${name} already exists.`, 'name');
}

const isUniqueViolation = (e: unknown): boolean =>
  e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';

export async function createCustomer(db: Db, actor: Actor, name: string): Promise<Customer> {
  try {
    const customer = await db.customer.create({ data: { name, nameKey: nameKeyOf(name) } });
    await audit(db, actor, {
      action: 'customer.created',
      summary: `Added customer ${customer.name}`,
      targetType: 'customer',
      targetId: customer.id,
    });
    return customer;
  } catch (e) {
    // The unique index on nameKey decides, so two admins adding the same name at once get one row.
    if (isUniqueViolation(e)) throw clash(name);
    throw e;
  }
}

export async function renameCustomer(db: Db, actor: Actor, id: number, name: string): Promise<Customer> {
  const before = await getCustomer(db, id);
  if (before.name === name) return before;
  try {
    const customer = await db.customer.update({ where: { id }, data: { name, nameKey: nameKeyOf(name) } });
    await audit(db, actor, {
      action: 'customer.renamed',
      summary: `Renamed customer ${before.name} to ${customer.name}`,
      targetType: 'customer',
      targetId: id,
      details: { from: before.name, to: customer.name },
    });
    return customer;
  } catch (e) {
    if (isUniqueViolation(e)) throw clash(name);
    throw e;
  }
}

/**
 * Deactivating keeps the customer's jobs and runs (they are history) but hides it from Run Checks
 * and the filters, and makes the ingestion API refuse new runs for it.
 */
export async function setCustomerActive(db: Db, actor: Actor, id: number, active: boolean): Promise<Customer> {
  const before = await getCustomer(db, id);
  if (before.active === active) return before;
  const customer = await db.customer.update({ where: { id }, data: { active } });
  await audit(db, actor, {
    action: active ? 'customer.reactivated' : 'customer.deactivated',
    summary: `${active ? 'Reactivated' : 'Deactivated'} customer ${customer.name}`,
    targetType: 'customer',
    targetId: id,
  });
  return customer;
}
