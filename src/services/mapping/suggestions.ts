import pLimit from 'p-limit';
import type { Company } from '../../autotask/client.ts';
import { ConflictError } from '../../errors/catalogue.ts';
import { audit, type Actor } from '../accounts/audit.ts';
import { companyTypeLabel, getCustomerWithMapping, saveMapping, type MappingDeps } from './map-customer.ts';
import { rethrowAutotask } from '../../errors/autotask-messages.ts';

/**
 * Mapping suggestions for unmapped customers: Autotask companies whose names match exactly or
 * closely. Suggestions only: nothing is mapped until an admin confirms it (one by one, or all
 * exact ones at once).
 */

// ---------------------------------------------------------------------------------------------
// Names

/**
 * Legal forms, compared without dots and case ("B.V." = "BV" = "bv"). Dropped from the end of a
 * name for an exact match: "Contoso B.V." and "Contoso" are the same name.
 */
const LEGAL_FORMS = new Set([
  'bv',
  'nv',
  'vof',
  'cv',
  'ltd',
  'limited',
  'plc',
  'llp',
  'lp',
  'llc',
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'gmbh',
  'mbh',
  'ag',
  'kg',
  'ug',
  'sa',
  'sas',
  'sarl',
  'srl',
  'spa',
  'bvba',
  'sprl',
  'pty',
  'ab',
  'as',
  'aps',
  'oy',
]);

/** Spellings of one legal form: "Corp." and "Corporation" do not make two companies. */
const SAME_FORM: Record<string, string> = { limited: 'ltd', incorporated: 'inc', corporation: 'corp', mbh: 'gmbh' };

/**
 * Words that often separate two real companies, so they are NOT ignored for an exact match but are
 * for a close one: "Contoso Holding" is usually a separate legal entity from "Contoso B.V." (both
 * exist in Autotask as different companies), and "Acme Dental Group" is not "Acme Dental".
 */
const LOOSE_SUFFIXES = new Set(['holding', 'holdings', 'group', 'groep', 'company', 'co']);

/** Words too common to find a company by (the search term is picked among the other words). */
const GENERIC = new Set([
  'the',
  'and',
  'van',
  'der',
  'den',
  'het',
  'de',
  'en',
  'of',
  'for',
  'services',
  'service',
  'solutions',
  'systems',
  'international',
  'group',
  'holding',
  'holdings',
  'company',
  'nederland',
  'europe',
]);

export interface NormalisedName {
  /** Words without legal forms: the key of an exact match. */
  readonly strict: readonly string[];
  /** Also without holding/group/company words: the key of a close match. */
  readonly loose: readonly string[];
  /** The legal forms that were dropped, in order ("bv"), or '' when none. */
  readonly legalForm: string;
  /** Each strict word with the word of the original name it came from (for searching Autotask). */
  readonly original: ReadonlyMap<string, string>;
}

/** Lower case, no diacritics, "&" as "and", dots and apostrophes joined, other punctuation a space. */
function words(name: string): Array<{ word: string; original: string }> {
  const out: Array<{ word: string; original: string }> = [];
  for (const original of name.split(/\s+/)) {
    const cleaned = original
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/&/g, ' and ')
      .replace(/[.'’`´]/g, '')
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
    for (const word of cleaned.split(' ')) if (word) out.push({ word, original: original.replace(/[(),]/g, '') });
  }
  return out;
}

export function normaliseName(name: string): NormalisedName {
  const ws = words(name);
  if (ws[0]?.word === 'the' && ws.length > 1) ws.shift();
  const legal: string[] = [];
  // Legal forms are dropped from the end only ("Limited Edition Games" keeps its first word); "& Co"
  // and "Pty Ltd" come off in turn.
  while (ws.length > 1) {
    const last = ws.at(-1)!.word;
    const beforeLast = ws.at(-2)?.word;
    if (LEGAL_FORMS.has(last)) legal.unshift(SAME_FORM[ws.pop()!.word] ?? last);
    else if (last === 'co' && beforeLast === 'and' && ws.length > 2) ws.splice(-2, 2);
    else break;
  }
  const strict = ws.map((w) => w.word);
  const loose = [...strict];
  while (loose.length > 1 && LOOSE_SUFFIXES.has(loose.at(-1)!)) loose.pop();
  const original = new Map<string, string>();
  for (const w of ws) if (!original.has(w.word)) original.set(w.word, w.original);
  return { strict, loose, legalForm: legal.join(' '), original };
}

/** Levenshtein distance (small strings only: company names). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

const similarWord = (a: string, b: string) => a === b || (a.length >= 5 && b.length >= 5 && editDistance(a, b) <= 1);

export type MatchKind = 'exact' | 'close';

export interface NameMatch {
  readonly kind: MatchKind;
  /** 0–1, for ordering close matches. */
  readonly score: number;
}

/** Close when the whole names are within this share of edits (Centre/Center, a typo). */
const CLOSE_SIMILARITY = 0.85;
/** …or when at least this share of the words match (Tailspin Toys / Tailspin Toys Europe). */
const CLOSE_WORD_SHARE = 0.5;

/**
 * Exact: the same words once case, punctuation, diacritics and a legal form are ignored, and no two
 * different legal forms (Contoso B.V. and Contoso Ltd are two companies). Close: the same words
 * but for a holding/group word or differing legal forms, near-equal spelling, or mostly the same
 * words. Anything else: null.
 */
export function compareNames(customerName: string, companyName: string): NameMatch | null {
  const a = normaliseName(customerName);
  const b = normaliseName(companyName);
  if (a.strict.length === 0 || b.strict.length === 0) return null;
  const strictA = a.strict.join(' ');
  const strictB = b.strict.join(' ');
  if (strictA === strictB) {
    const conflictingForms = a.legalForm !== '' && b.legalForm !== '' && a.legalForm !== b.legalForm;
    return conflictingForms ? { kind: 'close', score: 0.95 } : { kind: 'exact', score: 1 };
  }
  const looseA = a.loose.join(' ');
  const looseB = b.loose.join(' ');
  if (looseA === looseB) return { kind: 'close', score: 0.9 };
  const similarity = 1 - editDistance(looseA, looseB) / Math.max(looseA.length, looseB.length);
  if (similarity >= CLOSE_SIMILARITY) return { kind: 'close', score: similarity };
  const shared = a.loose.filter((w) => b.loose.some((v) => similarWord(w, v)));
  const share = shared.length / (a.loose.length + b.loose.length - shared.length);
  if (share >= CLOSE_WORD_SHARE && shared.some((w) => w.length >= 4)) return { kind: 'close', score: share * 0.85 };
  return null;
}

/**
 * The word to search Autotask for: among the name's words (3+ letters, not generic), the one least
 * used in our own customer names, then the longest. Its original spelling is sent, diacritics kept.
 */
export function searchTermFor(name: string, usage: ReadonlyMap<string, number>): string | null {
  const n = normaliseName(name);
  const tiers = [
    n.strict.filter((w) => w.length >= 3 && !GENERIC.has(w)),
    n.strict.filter((w) => w.length >= 2 && !GENERIC.has(w)),
    n.strict.filter((w) => w.length >= 2),
  ];
  const pool = tiers.find((t) => t.length > 0);
  if (!pool) return null;
  const best = [...pool].sort((x, y) => (usage.get(x) ?? 0) - (usage.get(y) ?? 0) || y.length - x.length)[0]!;
  return n.original.get(best) ?? best;
}

// ---------------------------------------------------------------------------------------------
// Suggestions

export interface Candidate {
  readonly company: Company;
  readonly typeLabel: string;
  readonly match: NameMatch;
}

export interface CustomerSuggestions {
  readonly customer: { readonly id: number; readonly name: string };
  readonly candidates: readonly Candidate[];
  /**
   * The one company that may be confirmed with "all exact ones": the only exact candidate of this
   * customer, and exact for no other customer. Null when there is none or it is ambiguous.
   */
  readonly bulkExact: Company | null;
}

export interface SuggestionReport {
  readonly suggestions: readonly CustomerSuggestions[];
  /** Active customers without a mapped company. */
  readonly unmappedTotal: number;
  /** How many of them were looked at on this page (at most SUGGESTIONS_PAGE_SIZE). */
  readonly considered: number;
  /** Autotask requests made (one search per distinct search term). */
  readonly requests: number;
}

/**
 * Unmapped customers looked at per page. Each page view costs up to this many Autotask searches,
 * and confirming one suggestion reloads the page, so it is kept small.
 */
export const SUGGESTIONS_PAGE_SIZE = 25;
/** Companies read per search. */
const RESULTS_PER_SEARCH = 100;
/** Candidates shown per customer. */
const CANDIDATES_PER_CUSTOMER = 3;
/** Searches run at once (Autotask allows 3 threads per endpoint). */
const SEARCH_CONCURRENCY = 3;

const unmappedWhere = { active: true, OR: [{ mapping: { is: null } }, { mapping: { is: { companyId: null } } }] };

/**
 * Finds candidates for one page of unmapped customers (in name order) with one Autotask search per
 * distinct search term: at most one request per customer, SUGGESTIONS_PAGE_SIZE per page, 3 at a
 * time. Active companies only, and none already mapped to a customer. Changes nothing.
 */
export async function suggestMappings(deps: MappingDeps, options: { page?: number } = {}): Promise<SuggestionReport> {
  const page = Math.max(1, options.page ?? 1);
  const { db, client } = deps;
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
    db.companyMapping.findMany({ where: { companyId: { not: null } }, select: { companyId: true } }),
  ]);

  const usage = new Map<string, number>();
  for (const c of allNames)
    for (const w of new Set(normaliseName(c.name).strict)) usage.set(w, (usage.get(w) ?? 0) + 1);

  // Autotask's `contains` ignores case, so "Dental" and "DENTAL" are one search.
  const termOf = new Map(unmapped.map((c) => [c.id, searchTermFor(c.name, usage)?.toLocaleLowerCase() ?? null]));
  const terms = [...new Set([...termOf.values()].filter((t): t is string => t !== null))];
  const limit = pLimit(SEARCH_CONCURRENCY);
  const results = new Map<string, readonly Company[]>();
  await Promise.all(
    terms.map((term) =>
      limit(async () => {
        const found = await client
          .searchCompanies(term, { limit: RESULTS_PER_SEARCH })
          .catch(rethrowAutotask('Could not search companies in Autotask for suggestions.'));
        results.set(term, found);
      }),
    ),
  );

  const taken = new Set(mapped.map((m) => m.companyId));
  const suggestions = unmapped.map((customer) => {
    const found = results.get(termOf.get(customer.id) ?? '') ?? [];
    const candidates: Candidate[] = [];
    for (const company of found) {
      if (taken.has(company.id) || !company.isActive) continue;
      const match = compareNames(customer.name, company.name);
      if (match) candidates.push({ company, typeLabel: companyTypeLabel(company.companyType), match });
    }
    candidates.sort((x, y) => y.match.score - x.match.score || x.company.name.localeCompare(y.company.name));
    return { customer, candidates: candidates.slice(0, CANDIDATES_PER_CUSTOMER) };
  });

  // A company exact for two customers is for the admin to settle, one by one.
  const exactFor = new Map<number, number>();
  for (const s of suggestions) {
    for (const c of s.candidates) {
      if (c.match.kind === 'exact') exactFor.set(c.company.id, (exactFor.get(c.company.id) ?? 0) + 1);
    }
  }
  return {
    suggestions: suggestions
      .filter((s) => s.candidates.length > 0)
      .map((s) => {
        const exact = s.candidates.filter((c) => c.match.kind === 'exact');
        const only = exact.length === 1 ? exact[0]!.company : null;
        return { ...s, bulkExact: only && exactFor.get(only.id) === 1 ? only : null };
      }),
    unmappedTotal,
    considered: unmapped.length,
    requests: terms.length,
  };
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

/**
 * Maps the exact suggestions the admin confirmed (the pairs shown on the suggestions page). Each
 * pair is checked again: the customer is still unmapped, the company is read from Autotask
 * (batched: one request per 500) and is active, unmapped, and still an exact name match. Anything
 * else is skipped with its reason; nothing that is not exact is ever mapped here.
 */
export async function confirmExactSuggestions(
  deps: MappingDeps,
  actor: Actor,
  pairs: readonly BulkPair[],
): Promise<BulkOutcome> {
  const { db, client } = deps;
  const skipped: Array<{ customerId: number; companyId: number; reason: string }> = [];
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
  if (unique.length === 0) return { mapped: [], skipped };

  const companies = await client
    .getCompanies(unique.map((p) => p.companyId))
    .catch(rethrowAutotask('Could not read the suggested companies from Autotask.'));
  const byId = new Map(companies.map((c) => [c.id, c]));

  const mapped: Array<{ customer: string; company: string; companyId: number }> = [];
  for (const pair of unique) {
    const skip = (reason: string) => skipped.push({ ...pair, reason });
    const customer = await getCustomerWithMapping(db, pair.customerId).catch(() => null);
    if (!customer) {
      skip('The customer no longer exists.');
      continue;
    }
    if (customer.mapping?.companyId != null) {
      skip(`${customer.name} is already mapped.`);
      continue;
    }
    const company = byId.get(pair.companyId);
    if (!company) {
      skip(`Autotask returned no company with ID ${pair.companyId}.`);
      continue;
    }
    if (!company.isActive) {
      skip(`${company.name} is inactive in Autotask.`);
      continue;
    }
    if (compareNames(customer.name, company.name)?.kind !== 'exact') {
      skip(`${company.name} is not an exact match for ${customer.name}.`);
      continue;
    }
    try {
      await saveMapping(db, actor, customer, company, 'suggestion-bulk');
      mapped.push({ customer: customer.name, company: company.name, companyId: company.id });
    } catch (e) {
      if (e instanceof ConflictError) skip(e.message);
      else throw e;
    }
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
