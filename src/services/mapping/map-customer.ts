import { z } from 'zod';
import { AutotaskNotFoundError, type AutotaskClient, type Company } from '../../autotask/client.ts';
import { Prisma, type CompanyMapping, type Customer, type Db } from '../../db/database.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../errors/catalogue.ts';
import { typedIdSchema } from '../../shared/ids.ts';
import { checkbox } from '../../shared/validation.ts';
import { audit, type Actor } from '../accounts/audit.ts';
import { CUSTOMER_MISSING } from '../customers/customers.ts';
import { refreshMappings, type SyncSummary } from './company-sync.ts';
import { rethrowAutotask } from '../../errors/autotask-messages.ts';

/**
 * Customer ↔ Autotask company mapping: explicit (an admin picks the company; nothing is mapped by
 * name alone), 1-to-1, by company ID, because only the ID is stable in Autotask. The cached company
 * name is for display only; Customer.name is never touched by anything in here.
 */

export interface MappingDeps {
  readonly db: Db;
  readonly client: AutotaskClient;
}

/** How the admin chose the company (kept in the audit event). */
export type MappingSource = 'search' | 'id' | 'suggestion' | 'suggestion-bulk' | 'demo';

export const companyIdForm = z.object({
  companyId: typedIdSchema({
    missing: 'Enter the Autotask company ID',
    invalid: 'The company ID is a number, as shown in Autotask',
  }),
  source: z.enum(['search', 'id']).catch('id'),
});

export const companySearchForm = z.object({
  q: z
    .string({ error: 'Enter part of the company name' })
    .trim()
    .min(2, 'Enter at least 2 characters of the company name')
    .max(100, 'Use at most 100 characters'),
  includeInactive: z.unknown().optional().transform(checkbox),
});

/**
 * Autotask's system company types (the `companyType` picklist is the same in every tenant for
 * these values); other values are tenant additions and shown by number.
 */
const companyTypes: Record<number, string> = {
  1: 'Customer',
  2: 'Lead',
  3: 'Prospect',
  4: 'Dead',
  6: 'Cancellation',
  7: 'Vendor',
  8: 'Partner',
};
export const companyTypeLabel = (type: number | null): string =>
  type === null ? '—' : (companyTypes[type] ?? `Type ${type}`);

export type CustomerWithMapping = Customer & { mapping: CompanyMapping | null };

export async function getCustomerWithMapping(db: Db, customerId: number): Promise<CustomerWithMapping> {
  const customer = await db.customer.findUnique({ where: { id: customerId }, include: { mapping: true } });
  if (!customer) throw new NotFoundError(CUSTOMER_MISSING);
  return customer;
}

export interface SearchHit {
  readonly company: Company;
  readonly typeLabel: string;
  /** The customer this company is already mapped to, if any. */
  readonly mappedTo: { readonly id: number; readonly name: string } | null;
}

export const SEARCH_LIMIT = 50;

/** Companies whose name contains `q` (one Autotask request), each with the customer it is mapped to. */
export async function searchCompaniesForMapping(
  deps: MappingDeps,
  input: { q: string; includeInactive: boolean },
): Promise<SearchHit[]> {
  const companies = await deps.client
    .searchCompanies(input.q, { includeInactive: input.includeInactive, limit: SEARCH_LIMIT })
    .catch(rethrowAutotask('Could not search companies in Autotask.'));
  const mapped = await deps.db.companyMapping.findMany({
    where: { companyId: { in: companies.map((c) => c.id) } },
    select: { companyId: true, customer: { select: { id: true, name: true } } },
  });
  const byCompany = new Map(mapped.map((m) => [m.companyId, m.customer]));
  return companies.map((company) => ({
    company,
    typeLabel: companyTypeLabel(company.companyType),
    mappedTo: byCompany.get(company.id) ?? null,
  }));
}

function alreadyMapped(companyId: number, companyName: string | null, holder: { name: string }): ConflictError {
  const label = companyName ? `${companyName} (ID ${companyId})` : `Company ${companyId}`;
  return new ConflictError(
    `${label} is already mapped to customer ${holder.name}. A company belongs to one customer; clear that mapping first.`,
    'companyId',
  );
}

async function holderOf(db: Db, companyId: number, exceptCustomerId: number) {
  const row = await db.companyMapping.findFirst({
    where: { companyId, customerId: { not: exceptCustomerId } },
    select: { companyName: true, customer: { select: { name: true } } },
  });
  return row ? { companyName: row.companyName, name: row.customer.name } : null;
}

const isUniqueViolation = (e: unknown): boolean =>
  e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';

/**
 * Reads a company for mapping: it must exist, be visible and be active. A company Autotask does not
 * return, or an inactive one, could never receive a ticket, so it is refused with the reason.
 */
export async function verifyCompany(client: AutotaskClient, companyId: number): Promise<Company> {
  let company: Company;
  try {
    company = await client.getCompany(companyId);
  } catch (e) {
    if (e instanceof AutotaskNotFoundError) {
      throw new ValidationError({
        companyId: `Autotask has no company with ID ${companyId}, or the API user cannot see it.`,
      });
    }
    return rethrowAutotask('Could not check the company in Autotask.')(e);
  }
  if (!company.isActive) {
    throw new ValidationError({
      companyId: `${company.name} (ID ${companyId}) is inactive in Autotask, so tickets cannot be created for it. Reactivate it in Autotask or pick another company.`,
    });
  }
  return company;
}

/**
 * Stores a mapping to a company already verified with Autotask. The unique index on
 * CompanyMapping.companyId is the final word when two admins map one company at the same time.
 */
export async function saveMapping(
  db: Db,
  actor: Actor,
  customer: CustomerWithMapping,
  company: Company,
  source: MappingSource,
): Promise<CompanyMapping> {
  const now = new Date();
  const previous = customer.mapping?.companyId ?? null;
  const data = {
    // A default contact belongs to one company: another company starts without one.
    ...(previous !== company.id ? { contactId: null, contactName: null } : {}),
    companyId: company.id,
    companyName: company.name,
    status: 'ok' as const,
    statusReason: null,
    lastSyncAt: now,
    lastError: null,
    mappedAt: now,
    mappedById: actor.id,
  };
  let mapping: CompanyMapping;
  try {
    mapping = await db.companyMapping.upsert({
      where: { customerId: customer.id },
      create: { customerId: customer.id, psaType: 'autotask', ...data },
      update: data,
    });
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    const holder = await holderOf(db, company.id, customer.id);
    if (holder) throw alreadyMapped(company.id, holder.companyName ?? company.name, holder);
    // Two admins created this customer's first mapping at once: the row exists now, so update it.
    mapping = await db.companyMapping.update({ where: { customerId: customer.id }, data });
  }
  await audit(db, actor, {
    action: 'mapping.mapped',
    summary:
      previous !== null && previous !== company.id
        ? `Mapped customer ${customer.name} to Autotask company ${company.name} (ID ${company.id}), replacing company ${previous}`
        : `Mapped customer ${customer.name} to Autotask company ${company.name} (ID ${company.id})`,
    targetType: 'customer',
    targetId: customer.id,
    details: { companyId: company.id, companyName: company.name, previousCompanyId: previous, source },
  });
  return mapping;
}

/**
 * Maps a customer to an Autotask company (picked from a search or typed as an ID). A company mapped
 * to another customer is refused, naming that customer, before Autotask is even asked.
 */
export async function mapCustomer(
  deps: MappingDeps,
  actor: Actor,
  customerId: number,
  companyId: number,
  source: MappingSource,
): Promise<{ customer: CustomerWithMapping; company: Company; mapping: CompanyMapping }> {
  const customer = await getCustomerWithMapping(deps.db, customerId);
  const holder = await holderOf(deps.db, companyId, customerId);
  if (holder) throw alreadyMapped(companyId, holder.companyName, holder);
  const company = await verifyCompany(deps.client, companyId);
  const mapping = await saveMapping(deps.db, actor, customer, company, source);
  return { customer, company, mapping };
}

/**
 * Clears a mapping: status `missing`, so new tickets are blocked until the customer is mapped
 * again. Existing tickets stay linked to their runs (TicketRecord rows are not touched).
 */
export async function clearMapping(db: Db, actor: Actor, customerId: number): Promise<{ cleared: boolean }> {
  const customer = await getCustomerWithMapping(db, customerId);
  const before = customer.mapping;
  if (!before || before.companyId === null) return { cleared: false };
  await db.companyMapping.update({
    where: { customerId },
    data: {
      companyId: null,
      companyName: null,
      status: 'missing',
      statusReason: null,
      lastSyncAt: null,
      lastError: null,
      mappedAt: null,
      mappedById: null,
      contactId: null,
      contactName: null,
    },
  });
  await audit(db, actor, {
    action: 'mapping.cleared',
    summary: `Cleared the Autotask mapping of customer ${customer.name} (was ${before.companyName ?? 'company'} ID ${before.companyId})`,
    targetType: 'customer',
    targetId: customerId,
    details: { previousCompanyId: before.companyId, previousCompanyName: before.companyName },
  });
  return { cleared: true };
}

/** "Refresh all mappings": every mapped customer, batched; audited with its counts. */
export async function refreshAllMappings(deps: MappingDeps, actor: Actor): Promise<SyncSummary> {
  const summary = await refreshMappings(deps, { trigger: 'refresh-all' });
  const counts = {
    checked: summary.checked,
    renamed: summary.renamed,
    invalid: summary.invalid,
    errors: summary.errors,
    requests: summary.requests,
    durationMs: summary.durationMs,
  };
  await audit(deps.db, actor, {
    action: 'mapping.refreshed_all',
    summary:
      summary.errors > 0
        ? `Refreshed Autotask mappings: ${summary.checked} checked, ${summary.errors} could not be checked`
        : `Refreshed Autotask mappings: ${summary.checked} checked, ${summary.renamed} renamed, ${summary.invalid} invalid`,
    targetType: 'sync',
    targetId: summary.syncLogId,
    details: { ...counts, ...(summary.message ? { message: summary.message } : {}) },
  });
  return summary;
}
