import { z } from 'zod';
import { Prisma, type CompanyMapping, type Customer, type Db } from '../../db/database.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../errors/catalogue.ts';
import { noSuchRecord, rethrowPsa } from '../../errors/psa-messages.ts';
import { PsaError } from '../../psa/errors.ts';
import {
  isPsaType,
  PSA_NAMES,
  type PsaClient,
  type PsaCompany,
  type PsaProfile,
  type PsaType,
} from '../../psa/port.ts';
import { typedIdSchema } from '../../shared/ids.ts';
import { checkbox } from '../../shared/validation.ts';
import { audit, type Actor } from '../accounts/audit.ts';
import { CUSTOMER_MISSING } from '../customers/customers.ts';
import { refreshMappings, type CompanySyncDeps, type SyncSummary } from './company-sync.ts';
import { searchCompanies, type CompanyDetails } from './company-search.ts';

/**
 * Customer ↔ PSA company mapping: explicit (an admin picks the company; nothing is mapped by name
 * alone), 1-to-1, by company ID, because only the ID is stable in the PSA. The cached company name
 * is for display only; Customer.name is never touched by anything in here. Mappings are made with
 * the active PSA and saved with its type; only its mappings live in CompanyMapping
 * (src/psa/switch.ts keeps the others aside).
 */

export interface MappingDeps {
  readonly db: Db;
  /** The active PSA's profile. */
  readonly profile: PsaProfile;
  /** `profile.client()`, built once for the request. */
  readonly client: PsaClient;
}

/** How the admin chose the company (kept in the audit event). */
export type MappingSource = 'search' | 'id' | 'suggestion' | 'suggestion-bulk' | 'demo';

/** The "Map by company ID" form, its messages naming the PSA the ID is from. */
export const companyIdForm = (psaName: string) =>
  z.object({
    companyId: typedIdSchema({
      missing: `Enter the ${psaName} company ID`,
      invalid: `The company ID is a number, as shown in ${psaName}`,
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

export type CustomerWithMapping = Customer & { mapping: CompanyMapping | null };

export async function getCustomerWithMapping(db: Db, customerId: number): Promise<CustomerWithMapping> {
  const customer = await db.customer.findUnique({ where: { id: customerId }, include: { mapping: true } });
  if (!customer) throw new NotFoundError(CUSTOMER_MISSING);
  return customer;
}

/** The PSA a stored mapping belongs to (rows written before ConnectWise are Autotask's). */
export const psaOfMapping = (mapping: Pick<CompanyMapping, 'psaType'>): PsaType =>
  isPsaType(mapping.psaType) ? mapping.psaType : 'autotask';

export interface SearchHit {
  readonly company: PsaCompany;
  /** Type and city, when the PSA's search gives them (Autotask). */
  readonly details: CompanyDetails | null;
  /** The customer this company is already mapped to, if any. */
  readonly mappedTo: { readonly id: number; readonly name: string } | null;
}

export const SEARCH_LIMIT = 50;

/** Companies whose name contains `q` (one request to the PSA), each with the customer it is mapped to. */
export async function searchCompaniesForMapping(
  deps: Pick<MappingDeps, 'db' | 'profile'>,
  input: { q: string; includeInactive: boolean },
): Promise<SearchHit[]> {
  const { db, profile } = deps;
  const found = await searchCompanies(
    profile,
    input.q,
    { includeInactive: input.includeInactive, limit: SEARCH_LIMIT },
    `Could not search companies in ${profile.name}.`,
  );
  const mapped = await db.companyMapping.findMany({
    where: { psaType: profile.psa, companyId: { in: found.map((f) => f.company.id) } },
    select: { companyId: true, customer: { select: { id: true, name: true } } },
  });
  const byCompany = new Map(mapped.map((m) => [m.companyId, m.customer]));
  return found.map((f) => ({ ...f, mappedTo: byCompany.get(f.company.id) ?? null }));
}

function alreadyMapped(companyId: number, companyName: string | null, holder: { name: string }): ConflictError {
  const label = companyName ? `${companyName} (ID ${companyId})` : `Company ${companyId}`;
  return new ConflictError(
    `${label} is already mapped to customer ${holder.name}. A company belongs to one customer; clear that mapping first.`,
    'companyId',
  );
}

async function holderOf(db: Db, psa: PsaType, companyId: number, exceptCustomerId: number) {
  const row = await db.companyMapping.findFirst({
    where: { psaType: psa, companyId, customerId: { not: exceptCustomerId } },
    select: { companyName: true, customer: { select: { name: true } } },
  });
  return row ? { companyName: row.companyName, name: row.customer.name } : null;
}

const isUniqueViolation = (e: unknown): boolean =>
  e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';

/**
 * Reads a company for mapping: it must exist, be visible and be active. A company the PSA does not
 * return, or an inactive one, could never receive a ticket, so it is refused with the reason.
 */
export async function verifyCompany(client: PsaClient, companyId: number): Promise<PsaCompany> {
  const name = PSA_NAMES[client.psa];
  let company: PsaCompany;
  try {
    company = await client.getCompany(companyId);
  } catch (e) {
    if (e instanceof PsaError && e.kind === 'not_found') {
      throw new ValidationError({ companyId: noSuchRecord(client.psa, `company with ID ${companyId}`) });
    }
    return rethrowPsa(`Could not check the company in ${name}.`)(e);
  }
  if (!company.isActive) {
    throw new ValidationError({
      companyId: `${company.name} (ID ${companyId}) is inactive in ${name}, so tickets cannot be created for it. Reactivate it in ${name} or pick another company.`,
    });
  }
  return company;
}

/**
 * Stores a mapping to a company of `psa` already verified with that PSA. The unique index on
 * CompanyMapping (psaType, companyId) is the final word when two admins map one company at once.
 * The demo's Autotask tenant calls this without `psa`.
 */
export async function saveMapping(
  db: Db,
  actor: Actor,
  customer: CustomerWithMapping,
  company: PsaCompany,
  source: MappingSource,
  psa: PsaType = 'autotask',
): Promise<CompanyMapping> {
  const now = new Date();
  const before = customer.mapping && psaOfMapping(customer.mapping) === psa ? customer.mapping : null;
  const previous = before?.companyId ?? null;
  const data = {
    // A default contact belongs to one company: another company starts without one.
    ...(previous !== company.id ? { contactId: null, contactName: null } : {}),
    psaType: psa,
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
      create: { customerId: customer.id, ...data },
      update: data,
    });
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    const holder = await holderOf(db, psa, company.id, customer.id);
    if (holder) throw alreadyMapped(company.id, holder.companyName ?? company.name, holder);
    // Two admins created this customer's first mapping at once: the row exists now, so update it.
    mapping = await db.companyMapping.update({ where: { customerId: customer.id }, data });
  }
  const psaName = PSA_NAMES[psa];
  await audit(db, actor, {
    action: 'mapping.mapped',
    summary:
      previous !== null && previous !== company.id
        ? `Mapped customer ${customer.name} to ${psaName} company ${company.name} (ID ${company.id}), replacing company ${previous}`
        : `Mapped customer ${customer.name} to ${psaName} company ${company.name} (ID ${company.id})`,
    targetType: 'customer',
    targetId: customer.id,
    details: { psaType: psa, companyId: company.id, companyName: company.name, previousCompanyId: previous, source },
  });
  return mapping;
}

/**
 * Maps a customer to a company of the active PSA (picked from a search or typed as an ID). A
 * company mapped to another customer is refused, naming that customer, before the PSA is even asked.
 */
export async function mapCustomer(
  deps: MappingDeps,
  actor: Actor,
  customerId: number,
  companyId: number,
  source: MappingSource,
): Promise<{ customer: CustomerWithMapping; company: PsaCompany; mapping: CompanyMapping }> {
  const psa = deps.profile.psa;
  const customer = await getCustomerWithMapping(deps.db, customerId);
  const holder = await holderOf(deps.db, psa, companyId, customerId);
  if (holder) throw alreadyMapped(companyId, holder.companyName, holder);
  const company = await verifyCompany(deps.client, companyId);
  const mapping = await saveMapping(deps.db, actor, customer, company, source, psa);
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
    summary: `Cleared the ${PSA_NAMES[psaOfMapping(before)]} mapping of customer ${customer.name} (was ${before.companyName ?? 'company'} ID ${before.companyId})`,
    targetType: 'customer',
    targetId: customerId,
    details: { previousCompanyId: before.companyId, previousCompanyName: before.companyName },
  });
  return { cleared: true };
}

/** "Refresh all mappings": every mapped customer, batched; audited with its counts. */
export async function refreshAllMappings(
  deps: CompanySyncDeps & { readonly profile: Pick<PsaProfile, 'name'> },
  actor: Actor,
): Promise<SyncSummary> {
  const summary = await refreshMappings(deps, { trigger: 'refresh-all' });
  const counts = {
    checked: summary.checked,
    renamed: summary.renamed,
    invalid: summary.invalid,
    errors: summary.errors,
    requests: summary.requests,
    durationMs: summary.durationMs,
  };
  const psaName = deps.profile.name;
  await audit(deps.db, actor, {
    action: 'mapping.refreshed_all',
    summary:
      summary.errors > 0
        ? `Refreshed ${psaName} mappings: ${summary.checked} checked, ${summary.errors} could not be checked`
        : `Refreshed ${psaName} mappings: ${summary.checked} checked, ${summary.renamed} renamed, ${summary.invalid} invalid`,
    targetType: 'sync',
    targetId: summary.syncLogId,
    details: { ...counts, ...(summary.message ? { message: summary.message } : {}) },
  });
  return summary;
}
