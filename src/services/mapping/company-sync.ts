import type { CompanyMapping, Db, MappingStatus, Prisma } from '../../db/database.ts';
import { PsaError, toPsaError } from '../../psa/errors.ts';
import { isPsaType, PSA_NAMES, type PsaClient, type PsaCompany, type PsaType } from '../../psa/port.ts';
import {
  COMPANY_SYNC_KIND,
  finishSyncLog,
  startSyncLog as startSyncLogOfKind,
  type SyncCounts,
} from '../integration/sync-log.ts';

/**
 * Keeps mapped companies current: reads each mapped company by ID and applies the status rules
 * (a rename is shown but never breaks a mapping; a deleted, inactive or invisible company blocks
 * tickets). Reads only; nothing is ever written to the PSA. Works for whichever PSA is active: the
 * reads go through the PSA port, and only the active PSA's mappings live in CompanyMapping
 * (src/psa/switch.ts moves the others aside), so every mapping read here is one of its companies.
 *
 * One code path for every trigger: refresh one customer, refresh all, the background runs of
 * background-sync.ts (after the Customers page is sent, periodic), the sync after a ticket is
 * created and the check after the PSA refused a ticket's company (src/services/tickets/create/).
 *
 * A status changes only on a successful answer of the PSA. An outage, timeout, rate limit or
 * permission failure leaves every status as it was and is recorded as a failed sync, because
 * "the PSA did not answer" says nothing about the company.
 */

export { COMPANY_SYNC_KIND };
/** Autotask's cap on values in one `in` filter: one `getCompanies` per this many mappings. */
export const SYNC_BATCH_SIZE = 500;

export interface CompanySyncDeps {
  readonly db: Db;
  /** The active PSA's client (`PsaProfile.client()`): the sync only reads companies. */
  readonly client: Pick<PsaClient, 'getCompany' | 'getCompanies'>;
}

/** What the PSA's answer means for one mapping. */
export interface MappingVerdict {
  readonly status: MappingStatus;
  readonly companyName: string | null;
  readonly statusReason: string | null;
  /** The company's name in the PSA differs from the cached one. */
  readonly nameChanged: boolean;
}

const apiUser = (psa: PsaType): string => (psa === 'connectwise' ? 'API member' : 'API user');
export const notFoundReason = (psa: PsaType, companyId: number): string =>
  `${PSA_NAMES[psa]} returned no company with ID ${companyId} (deleted, or not visible to the ${apiUser(psa)}).`;
export const inactiveReason = (psa: PsaType, companyId: number): string =>
  `Company ${companyId} is inactive in ${PSA_NAMES[psa]}.`;
const renamedReason = (psa: PsaType, from: string, to: string): string =>
  `Renamed in ${PSA_NAMES[psa]} from “${from}” to “${to}”.`;

/**
 * The status rules, given a successful answer: `company` is what the mapping's PSA returned for
 * its ID, or undefined when it returned nothing. ConnectWise has no active flag: a deleted company,
 * or one in a status flagged inactive, is inactive (`PsaCompany.isActive`). Pure.
 */
export function judgeMapping(
  mapping: Pick<CompanyMapping, 'companyId' | 'companyName' | 'psaType'>,
  company: PsaCompany | undefined,
): MappingVerdict {
  const id = mapping.companyId!;
  // Rows written before ConnectWise are Autotask's.
  const psa = isPsaType(mapping.psaType) ? mapping.psaType : 'autotask';
  if (!company) {
    return {
      status: 'invalid',
      companyName: mapping.companyName,
      statusReason: notFoundReason(psa, id),
      nameChanged: false,
    };
  }
  const nameChanged = mapping.companyName !== null && mapping.companyName !== company.name;
  if (!company.isActive) {
    // The cached name still follows the PSA: it is what an admin searches for to fix this.
    return { status: 'invalid', companyName: company.name, statusReason: inactiveReason(psa, id), nameChanged };
  }
  if (nameChanged) {
    return {
      status: 'renamed',
      companyName: company.name,
      statusReason: renamedReason(psa, mapping.companyName!, company.name),
      nameChanged,
    };
  }
  // `renamed` returns to `ok` once a later sync finds no further change.
  return { status: 'ok', companyName: company.name, statusReason: null, nameChanged: false };
}

/** The PSA's own words when it gave any, else the client's sentence: what the sync log keeps. */
export function syncErrorText(e: unknown): string {
  const psaError = toPsaError(e);
  if (psaError instanceof PsaError) {
    return psaError.detail ? `${psaError.message} ${psaError.psaName} said: ${psaError.detail}` : psaError.message;
  }
  return e instanceof Error ? e.message : String(e);
}

// ---------------------------------------------------------------------------------------------
// Sync log

/** A sync-log row of the company sync, opened before the PSA is asked. */
export const startCompanySyncLog = (db: Db, trigger: string) => startSyncLogOfKind(db, COMPANY_SYNC_KIND, trigger);

// ---------------------------------------------------------------------------------------------
// Writing verdicts

type Checked = Pick<CompanyMapping, 'id' | 'psaType' | 'companyId' | 'companyName' | 'status' | 'statusReason'>;

const sameAsStored = (m: Checked, v: MappingVerdict) =>
  m.status === v.status && m.companyName === v.companyName && m.statusReason === v.statusReason;

/**
 * Stores verdicts. Every write is conditional on the mapping still pointing at the company that was
 * read, so an admin who re-maps or clears a customer meanwhile is never overwritten. Unchanged
 * mappings (the usual case) only get their sync time, in one statement.
 */
async function storeVerdicts(db: Db, checked: ReadonlyArray<{ mapping: Checked; verdict: MappingVerdict }>, now: Date) {
  const unchanged = checked.filter((c) => sameAsStored(c.mapping, c.verdict));
  const changed = checked.filter((c) => !sameAsStored(c.mapping, c.verdict));
  for (let i = 0; i < unchanged.length; i += 1000) {
    const part = unchanged.slice(i, i + 1000);
    await db.companyMapping.updateMany({
      where: { id: { in: part.map((c) => c.mapping.id) }, companyId: { in: part.map((c) => c.mapping.companyId!) } },
      data: { lastSyncAt: now, lastError: null },
    });
  }
  if (changed.length === 0) return;
  await db.$transaction(
    changed.map(({ mapping, verdict }) =>
      db.companyMapping.updateMany({
        where: { id: mapping.id, companyId: mapping.companyId },
        data: {
          status: verdict.status,
          companyName: verdict.companyName,
          statusReason: verdict.statusReason,
          lastSyncAt: now,
          lastError: null,
        },
      }),
    ),
  );
}

/** A failed read changes no status; the mapping only remembers that its last refresh failed. */
async function storeFailure(db: Db, mappings: readonly Checked[], text: string): Promise<void> {
  for (let i = 0; i < mappings.length; i += 1000) {
    const part = mappings.slice(i, i + 1000);
    await db.companyMapping.updateMany({ where: { id: { in: part.map((m) => m.id) } }, data: { lastError: text } });
  }
}

const checkedSelect = {
  id: true,
  psaType: true,
  companyId: true,
  companyName: true,
  status: true,
  statusReason: true,
} as const;

// ---------------------------------------------------------------------------------------------
// One customer

/**
 * Re-reads one customer's mapped company (one GET) and applies the status rules; returns the
 * updated mapping, or null when the customer has no mapped company. Used after a ticket is created
 * or refused for its company, and by "Refresh" on the Customers page.
 *
 * When the read fails (outage, timeout, rate limit, permission) no status changes, a failed sync
 * is logged with the PSA's message, and the error is re-thrown for the caller to explain.
 */
export async function refreshCustomerMapping(
  deps: CompanySyncDeps,
  customerId: number,
  trigger: string,
): Promise<CompanyMapping | null> {
  const { db, client } = deps;
  const mapping = await db.companyMapping.findUnique({ where: { customerId }, select: checkedSelect });
  if (!mapping || mapping.companyId === null) return null;

  const log = await startCompanySyncLog(db, trigger);
  let company: PsaCompany | undefined;
  try {
    company = await client.getCompany(mapping.companyId);
  } catch (e) {
    // "No such company" is a successful answer about the company, not a failed call.
    const psaError = toPsaError(e);
    if (!(psaError instanceof PsaError && psaError.kind === 'not_found')) {
      const text = syncErrorText(e);
      await storeFailure(db, [mapping], text);
      await finishSyncLog(db, log, { checked: 0, renamed: 0, invalid: 0, errors: 1, message: text });
      throw e;
    }
  }
  const verdict = judgeMapping(mapping, company);
  await storeVerdicts(db, [{ mapping, verdict }], new Date());
  await finishSyncLog(db, log, {
    checked: 1,
    renamed: verdict.nameChanged ? 1 : 0,
    invalid: verdict.status === 'invalid' ? 1 : 0,
    errors: 0,
    message: null,
  });
  return db.companyMapping.findUnique({ where: { customerId } });
}

// ---------------------------------------------------------------------------------------------
// Many customers

export interface RefreshSelection {
  /** Why the sync runs: `refresh-all`, `page-view`, `periodic`, … (kept in the sync log). */
  readonly trigger: string;
  /** Only these customers. */
  readonly customerIds?: readonly number[];
  /** Only mappings last synced before this time (or never). */
  readonly syncedBefore?: Date;
  /** At most this many mappings, the longest-unsynced first. */
  readonly limit?: number;
  /** A sync-log row already claimed for this run (see claimBackgroundSync in background-sync.ts). */
  readonly log?: { id: number; startedAt: Date };
}

export interface SyncSummary {
  readonly syncLogId: number;
  readonly checked: number;
  readonly renamed: number;
  readonly invalid: number;
  /** Mappings that could not be checked because their batch failed. */
  readonly errors: number;
  readonly requests: number;
  readonly durationMs: number;
  /** The first failure's text (the PSA's words), when any batch failed. */
  readonly message: string | null;
  /** The first failure itself, for an explanation in the page. */
  readonly failure: unknown;
}

/**
 * Refreshes many mappings with batched reads: one `getCompanies` per 500 company IDs, run side by
 * side (Autotask's client sends each as one `in` query, at most 3 at a time per endpoint). A
 * failed batch leaves its mappings untouched and is counted in `errors`; the other batches still
 * apply.
 */
export async function refreshMappings(deps: CompanySyncDeps, selection: RefreshSelection): Promise<SyncSummary> {
  const { db, client } = deps;
  const where: Prisma.CompanyMappingWhereInput = {
    companyId: { not: null },
    ...(selection.customerIds ? { customerId: { in: [...selection.customerIds] } } : {}),
    ...(selection.syncedBefore ? { OR: [{ lastSyncAt: null }, { lastSyncAt: { lt: selection.syncedBefore } }] } : {}),
  };
  const log = selection.log ?? (await startCompanySyncLog(db, selection.trigger));
  const mappings = await db.companyMapping.findMany({
    where,
    select: checkedSelect,
    orderBy: [{ lastSyncAt: { sort: 'asc', nulls: 'first' } }, { id: 'asc' }],
    ...(selection.limit ? { take: selection.limit } : {}),
  });

  const batches: Checked[][] = [];
  for (let i = 0; i < mappings.length; i += SYNC_BATCH_SIZE) batches.push(mappings.slice(i, i + SYNC_BATCH_SIZE));
  const answers = await Promise.allSettled(batches.map((batch) => client.getCompanies(batch.map((m) => m.companyId!))));

  const now = new Date();
  const checked: Array<{ mapping: Checked; verdict: MappingVerdict }> = [];
  let errors = 0;
  let failure: unknown = null;
  for (const [i, answer] of answers.entries()) {
    const batch = batches[i]!;
    if (answer.status === 'rejected') {
      errors += batch.length;
      failure ??= answer.reason;
      await storeFailure(db, batch, syncErrorText(answer.reason));
      continue;
    }
    const byId = new Map(answer.value.map((c) => [c.id, c]));
    for (const mapping of batch)
      checked.push({ mapping, verdict: judgeMapping(mapping, byId.get(mapping.companyId!)) });
  }
  await storeVerdicts(db, checked, now);

  const counts: SyncCounts = {
    checked: checked.length,
    renamed: checked.filter((c) => c.verdict.nameChanged).length,
    invalid: checked.filter((c) => c.verdict.status === 'invalid').length,
    errors,
    message: failure === null ? null : syncErrorText(failure),
  };
  const durationMs = await finishSyncLog(db, log, counts);
  return { syncLogId: log.id, ...counts, requests: batches.length, durationMs, failure };
}
