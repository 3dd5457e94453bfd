import pLimit from 'p-limit';
import { ConflictError } from '../../errors/catalogue.ts';
import { rethrowPsa } from '../../errors/psa-messages.ts';
import type { PsaCompany } from '../../psa/port.ts';
import { audit, type Actor } from '../accounts/audit.ts';
import { searchCompanies, type FoundCompany } from './company-search.ts';
import { getCustomerWithMapping, saveMapping, type MappingDeps } from './map-customer.ts';
import { compareNames, normaliseName, searchTermFor, type NameMatch } from './name-matching.ts';

/**
 * Mapping suggestions for unmapped customers: the active PSA's companies whose names match exactly or
 * closely (name-matching.ts says what counts as which). Suggestions only: nothing is mapped until
 * an admin confirms it (one by one, or all exact ones at once).
 */

// ---------------------------------------------------------------------------------------------
// Suggestions

export interface Candidate extends FoundCompany {
  readonly match: NameMatch;
}

export interface CustomerSuggestions {
  readonly customer: { readonly id: number; readonly name: string };
  readonly candidates: readonly Candidate[];
  /**
   * The one company that may be confirmed with "all exact ones": the only exact candidate of this
   * customer, and exact for no other customer. Null when there is none or it is ambiguous.
   */
  readonly bulkExact: PsaCompany | null;
}

export interface SuggestionReport {
  readonly suggestions: readonly CustomerSuggestions[];
  /** Active customers without a mapped company. */
  readonly unmappedTotal: number;
  /** How many of them were looked at on this page (at most SUGGESTIONS_PAGE_SIZE). */
  readonly considered: number;
  /** Requests made to the PSA (one search per distinct search term). */
  readonly requests: number;
}

/**
 * Unmapped customers looked at per page. Each page view costs up to this many searches in the PSA,
 * and confirming one suggestion reloads the page, so it is kept small.
 */
export const SUGGESTIONS_PAGE_SIZE = 25;
/** Companies read per search. */
const RESULTS_PER_SEARCH = 100;
/** Candidates shown per customer. */
const CANDIDATES_PER_CUSTOMER = 3;
/** Searches run at once (Autotask allows 3 threads per endpoint; ConnectWise is kept to the same). */
const SEARCH_CONCURRENCY = 3;

const unmappedWhere = { active: true, OR: [{ mapping: { is: null } }, { mapping: { is: { companyId: null } } }] };

/**
 * Finds candidates for one page of unmapped customers (in name order) with one PSA search per
 * distinct search term: at most one request per customer, SUGGESTIONS_PAGE_SIZE per page, 3 at a
 * time. Active companies only, and none already mapped to a customer. Changes nothing.
 */
export async function suggestMappings(deps: MappingDeps, options: { page?: number } = {}): Promise<SuggestionReport> {
  const page = Math.max(1, options.page ?? 1);
  const { db } = deps;
  const [unmapped, unmappedTotal, allNames, mapped] = await Promise.all([
    db.customer.findMany({
      where: unmappedWhere,
      select: { id: true, name: true },
      orderBy: { nameKey: 'asc' },
      skip: (page - 1) * SUGGESTIONS_PAGE_SIZE,
      take: SUGGESTIONS_PAGE_SIZE,
    }),
    db.customer.count({ where: unmappedWhere }),
    db.customer.findMany({ select: { name: true } }),
    db.companyMapping.findMany({
      where: { psaType: deps.profile.psa, companyId: { not: null } },
      select: { companyId: true },
    }),
  ]);

  const usage = wordUsage(allNames);
  // Both PSAs' `contains` ignores case, so "Dental" and "DENTAL" are one search.
  const termOf = new Map(unmapped.map((c) => [c.id, searchTermFor(c.name, usage)?.toLocaleLowerCase() ?? null]));
  const terms = [...new Set([...termOf.values()].filter((t): t is string => t !== null))];
  const results = await searchAll(deps, terms);

  const taken = new Set(mapped.map((m) => m.companyId));
  const suggestions = unmapped.map((customer) => ({
    customer,
    candidates: candidatesFor(customer.name, results.get(termOf.get(customer.id) ?? '') ?? [], taken),
  }));
  return {
    suggestions: withBulkExact(suggestions.filter((s) => s.candidates.length > 0)),
    unmappedTotal,
    considered: unmapped.length,
    requests: terms.length,
  };
}

/** How many of our customer names use each word: the rarest word of a name finds it best. */
function wordUsage(names: ReadonlyArray<{ name: string }>): Map<string, number> {
  const usage = new Map<string, number>();
  for (const c of names) for (const w of new Set(normaliseName(c.name).strict)) usage.set(w, (usage.get(w) ?? 0) + 1);
  return usage;
}

/** One search in the PSA per term, SEARCH_CONCURRENCY at a time. */
async function searchAll(deps: MappingDeps, terms: readonly string[]): Promise<Map<string, readonly FoundCompany[]>> {
  const limit = pLimit(SEARCH_CONCURRENCY);
  const results = new Map<string, readonly FoundCompany[]>();
  const failure = `Could not search companies in ${deps.profile.name} for suggestions.`;
  await Promise.all(
    terms.map((term) =>
      limit(async () => {
        const found = await searchCompanies(deps.profile, term, { limit: RESULTS_PER_SEARCH }, failure);
        results.set(term, found);
      }),
    ),
  );
  return results;
}

/** The best matching companies for one customer: active, not mapped to anyone, best match first. */
function candidatesFor(
  customerName: string,
  found: readonly FoundCompany[],
  taken: ReadonlySet<number | null>,
): Candidate[] {
  const candidates: Candidate[] = [];
  for (const hit of found) {
    const { company } = hit;
    if (taken.has(company.id) || !company.isActive) continue;
    const match = compareNames(customerName, company.name);
    if (match) candidates.push({ ...hit, match });
  }
  candidates.sort((x, y) => y.match.score - x.match.score || x.company.name.localeCompare(y.company.name));
  return candidates.slice(0, CANDIDATES_PER_CUSTOMER);
}

/**
 * Marks the company each customer may confirm with "all exact ones". A company exact for two
 * customers is for the admin to settle, one by one.
 */
function withBulkExact(suggestions: ReadonlyArray<Omit<CustomerSuggestions, 'bulkExact'>>): CustomerSuggestions[] {
  const exactFor = new Map<number, number>();
  for (const s of suggestions) {
    for (const c of s.candidates) {
      if (c.match.kind === 'exact') exactFor.set(c.company.id, (exactFor.get(c.company.id) ?? 0) + 1);
    }
  }
  return suggestions.map((s) => {
    const exact = s.candidates.filter((c) => c.match.kind === 'exact');
    const only = exact.length === 1 ? exact[0]!.company : null;
    return { ...s, bulkExact: only && exactFor.get(only.id) === 1 ? only : null };
  });
}

// ---------------------------------------------------------------------------------------------
// Confirming all exact suggestions at once

export interface BulkPair {
  readonly customerId: number;
  readonly companyId: number;
}

export interface BulkOutcome {
  readonly mapped: ReadonlyArray<{ customer: string; company: string; companyId: number }>;
  readonly skipped: ReadonlyArray<{ customerId: number; companyId: number; reason: string }>;
}

type Skipped = BulkOutcome['skipped'][number];
type Mapped = BulkOutcome['mapped'][number];

/**
 * Maps the exact suggestions the admin confirmed (the pairs shown on the suggestions page). Each
 * pair is checked again: the customer is still unmapped, the company is read from the PSA
 * (batched: one request per 500) and is active, unmapped, and still an exact name match. Anything
 * else is skipped with its reason; nothing that is not exact is ever mapped here.
 */
export async function confirmExactSuggestions(
  deps: MappingDeps,
  actor: Actor,
  pairs: readonly BulkPair[],
): Promise<BulkOutcome> {
  const { db, client, profile } = deps;
  const { unique, skipped } = withoutRepeats(pairs);
  if (unique.length === 0) return { mapped: [], skipped };

  const companies = await client
    .getCompanies(unique.map((p) => p.companyId))
    .catch(rethrowPsa(`Could not read the suggested companies from ${profile.name}.`));
  const byId = new Map(companies.map((c) => [c.id, c]));

  const mapped: Mapped[] = [];
  for (const pair of unique) {
    const outcome = await confirmPair(deps, actor, pair, byId.get(pair.companyId));
    if ('reason' in outcome) skipped.push(outcome);
    else mapped.push(outcome);
  }

  if (mapped.length > 0 || skipped.length > 0) {
    await audit(db, actor, {
      action: 'mapping.bulk_confirmed',
      summary: `Confirmed ${mapped.length} exact mapping suggestion${mapped.length === 1 ? '' : 's'}${skipped.length ? `, skipped ${skipped.length}` : ''}`,
      targetType: 'customer',
      details: { mapped: mapped.length, skipped: skipped.length, pairs: mapped, skippedPairs: skipped },
    });
  }
  return { mapped, skipped };
}

/** A customer sent twice, or a company proposed for two customers, is not for a bulk action. */
function withoutRepeats(pairs: readonly BulkPair[]): { unique: BulkPair[]; skipped: Skipped[] } {
  const skipped: Skipped[] = [];
  const seenCustomers = new Set<number>();
  const companyUse = new Map<number, number>();
  for (const p of pairs) companyUse.set(p.companyId, (companyUse.get(p.companyId) ?? 0) + 1);
  const unique = pairs.filter((p) => {
    if (seenCustomers.has(p.customerId)) {
      skipped.push({ ...p, reason: 'The customer appears twice.' });
      return false;
    }
    seenCustomers.add(p.customerId);
    if (companyUse.get(p.companyId)! > 1) {
      skipped.push({ ...p, reason: 'The company was proposed for more than one customer.' });
      return false;
    }
    return true;
  });
  return { unique, skipped };
}

/** Checks one pair again and maps it, or says why not. */
async function confirmPair(
  deps: MappingDeps,
  actor: Actor,
  pair: BulkPair,
  company: PsaCompany | undefined,
): Promise<Mapped | Skipped> {
  const psaName = deps.profile.name;
  const skip = (reason: string): Skipped => ({ ...pair, reason });
  const customer = await getCustomerWithMapping(deps.db, pair.customerId).catch(() => null);
  if (!customer) return skip('The customer no longer exists.');
  if (customer.mapping?.companyId != null) return skip(`${customer.name} is already mapped.`);
  if (!company) return skip(`${psaName} returned no company with ID ${pair.companyId}.`);
  if (!company.isActive) return skip(`${company.name} is inactive in ${psaName}.`);
  if (compareNames(customer.name, company.name)?.kind !== 'exact') {
    return skip(`${company.name} is not an exact match for ${customer.name}.`);
  }
  try {
    await saveMapping(deps.db, actor, customer, company, 'suggestion-bulk', deps.profile.psa);
    return { customer: customer.name, company: company.name, companyId: company.id };
  } catch (e) {
    // Mapped to another customer since the page was shown: the unique index decided.
    if (e instanceof ConflictError) return skip(e.message);
    throw e;
  }
}
