import {
  Prisma,
  type CompanyMapping,
  type Customer,
  type Db,
  type Job,
  type Run,
  type RunObject,
  type RunStatus,
  type TicketRecord,
  type User,
} from '../../db/database.ts';
import { jsonObject, rowOf, selectColumns, type Columns } from '../../db/joined-row.ts';

/**
 * One run with everything around it that its page and the ticket click decide from: its job, the
 * job's customer and the customer's company mapping, the ticket the run points at, who reviewed
 * it, and its objects. One SQL statement (`src/db/joined-row.ts` says why not a nested include).
 */
export type RunContext = Run & {
  readonly reviewedBy: Reviewer | null;
  readonly ticket: TicketRecord | null;
  readonly job: Job & { readonly customer: Customer & { readonly mapping: CompanyMapping | null } };
  /** Errors first, then warnings, then successes; by position within each (see `ObjectSelection`). */
  readonly objects: RunObject[];
  /** How many objects match the selection, also those past its limit. */
  readonly objectTotal: number;
};

export type Reviewer = Pick<User, 'id' | 'name' | 'email'>;

/** Which of the run's objects come along: all by default. */
export interface ObjectSelection {
  readonly statuses?: readonly RunStatus[];
  readonly limit?: number;
}

const runColumns = {
  id: 'value',
  jobId: 'value',
  runAt: 'value',
  status: 'enum',
  remark: 'value',
  externalId: 'value',
  expectedAt: 'value',
  reviewedAt: 'value',
  reviewedById: 'value',
  createdAt: 'value',
  ticketRecordId: 'value',
  ticketLinkedAt: 'value',
  ticketLinkedById: 'value',
} as const satisfies Columns<Run>;

const jobColumns = {
  id: 'value',
  customerId: 'value',
  name: 'value',
  backupSoftware: 'value',
  backupType: 'value',
  createdAt: 'value',
  pausedAt: 'value',
  pauseEndsAt: 'value',
  pauseReason: 'value',
} as const satisfies Columns<Job>;

const customerColumns = {
  id: 'value',
  name: 'value',
  nameKey: 'value',
  active: 'value',
  createdAt: 'value',
  updatedAt: 'value',
  pausedAt: 'value',
  pauseEndsAt: 'value',
  pauseReason: 'value',
} as const satisfies Columns<Customer>;

const mappingColumns = {
  id: 'value',
  customerId: 'value',
  psaType: 'value',
  companyId: 'value',
  companyName: 'value',
  status: 'enum',
  statusReason: 'value',
  lastSyncAt: 'value',
  lastError: 'value',
  mappedAt: 'value',
  mappedById: 'value',
  contactId: 'value',
  contactName: 'value',
  updatedAt: 'value',
} as const satisfies Columns<CompanyMapping>;

const ticketColumns = {
  id: 'value',
  originRunId: 'value',
  jobId: 'value',
  origin: 'enum',
  state: 'enum',
  reference: 'value',
  attemptStartedAt: 'value',
  lastError: 'value',
  ticketId: 'value',
  ticketNumber: 'value',
  url: 'value',
  createdById: 'value',
  createdAt: 'value',
  updatedAt: 'value',
  statusId: 'value',
  statusLabel: 'value',
  statusClosed: 'value',
  statusCheckedAt: 'value',
  timeEntryCount: 'value',
  timeEntriesCheckedAt: 'value',
  closingNoteId: 'value',
  resolvedById: 'value',
  resolvedAt: 'value',
  resolveStartedAt: 'value',
  closingNoteSentAt: 'value',
  psaType: 'value',
} as const satisfies Columns<TicketRecord>;

const reviewerColumns = { id: 'value', name: 'value', email: 'value' } as const satisfies Columns<Reviewer>;

/** Aggregated as JSON (`jsonObject`), which would turn a date into a string: none may be a date. */
const objectColumns = {
  id: 'value',
  runId: 'value',
  position: 'value',
  name: 'value',
  type: 'value',
  status: 'enum',
  message: 'value',
} as const satisfies Columns<RunObject>;
true satisfies Extract<RunObject[keyof RunObject], Date> extends never ? true : never;

/** The run and its surroundings, or null when there is no such run. */
export async function loadRunContext(db: Db, runId: number, objects: ObjectSelection = {}): Promise<RunContext | null> {
  const rows = await db.$queryRaw<Record<string, unknown>[]>(Prisma.sql`
    SELECT ${selectColumns('r', runColumns)}, ${selectColumns('j', jobColumns)},
           ${selectColumns('c', customerColumns)}, ${selectColumns('m', mappingColumns)},
           ${selectColumns('t', ticketColumns)}, ${selectColumns('u', reviewerColumns)},
           ${objectsOf(objects)}
    FROM "Run" r
    JOIN "Job" j ON j.id = r."jobId"
    JOIN "Customer" c ON c.id = j."customerId"
    LEFT JOIN "CompanyMapping" m ON m."customerId" = c.id
    LEFT JOIN "Ticket" t ON t.id = r."ticketRecordId"
    LEFT JOIN "User" u ON u.id = r."reviewedById"
    WHERE r.id = ${runId}`);
  const result = rows[0];
  if (!result) return null;
  const customer = rowOf<Customer>(result, 'c', customerColumns)!;
  return {
    ...rowOf<Run>(result, 'r', runColumns)!,
    reviewedBy: rowOf<Reviewer>(result, 'u', reviewerColumns),
    ticket: rowOf<TicketRecord>(result, 't', ticketColumns),
    job: {
      ...rowOf<Job>(result, 'j', jobColumns)!,
      customer: { ...customer, mapping: rowOf<CompanyMapping>(result, 'm', mappingColumns) },
    },
    objects: result['objects'] as RunObject[],
    objectTotal: result['objectTotal'] as number,
  };
}

/** The selected objects as one JSON array column, and how many match, as two more columns. */
function objectsOf({ statuses, limit }: ObjectSelection): Prisma.Sql {
  const matching = statuses ? Prisma.sql`AND o.status::text IN (${Prisma.join([...statuses])})` : Prisma.empty;
  // RunStatus is declared success, warning, error: descending puts errors first.
  const order = Prisma.sql`ORDER BY o.status DESC, o.position ASC`;
  return Prisma.sql`
    (SELECT coalesce(json_agg(${jsonObject('o', objectColumns)} ${order}), '[]'::json)
     FROM (SELECT * FROM "RunObject" o WHERE o."runId" = r.id ${matching} ${order}
           ${limit === undefined ? Prisma.empty : Prisma.sql`LIMIT ${limit}`}) o) AS "objects",
    (SELECT count(*)::int FROM "RunObject" o WHERE o."runId" = r.id ${matching}) AS "objectTotal"`;
}
