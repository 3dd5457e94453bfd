/**
 * Company names compared the way an admin reads them, for mapping suggestions: case, punctuation,
 * accents and a trailing legal form ("B.V.", "Ltd") do not make two names different, but two
 * different legal forms, or a "Holding" or "Group" word, may be two companies. Pure functions.
 */

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
