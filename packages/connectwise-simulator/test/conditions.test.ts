import { describe, expect, it } from 'vitest';
import { ConditionsError, MAX_CONDITIONS_LENGTH, MAX_NESTING, parseConditions } from '../src/conditions.ts';
import { compileConditions, likeMatch, type FieldMap } from '../src/conditions-eval.ts';

interface Row {
  id: number;
  summary: string | null;
  closed: boolean;
  companyId: number | null;
  companyName: string | null;
  updated: string;
}

const FIELDS: FieldMap<Row> = {
  id: { type: 'number', get: (r) => r.id },
  summary: { type: 'string', get: (r) => r.summary },
  closedFlag: { type: 'boolean', get: (r) => r.closed },
  company: { type: 'reference', get: (r) => r.companyId },
  'company/id': { type: 'number', get: (r) => r.companyId },
  'company/name': { type: 'string', get: (r) => r.companyName },
  lastUpdated: { type: 'date', get: (r) => r.updated },
};

const ROWS: Row[] = [
  {
    id: 1,
    summary: 'Backup failed on FS01',
    closed: false,
    companyId: 250,
    companyName: 'Acme Dental',
    updated: '2026-01-01T00:00:00Z',
  },
  {
    id: 2,
    summary: 'Quote "urgent" \\ review',
    closed: true,
    companyId: 251,
    companyName: 'Contoso B.V.',
    updated: '2026-02-01T00:00:00Z',
  },
  { id: 3, summary: null, closed: false, companyId: null, companyName: null, updated: '2026-03-01T12:30:00Z' },
  {
    id: 4,
    summary: '100% done_now',
    closed: false,
    companyId: 250,
    companyName: 'Acme Dental',
    updated: '2026-03-02T00:00:00Z',
  },
];

const match = (conditions: string) => ROWS.filter(compileConditions(conditions, FIELDS)).map((r) => r.id);
const refusal = (conditions: string) => {
  try {
    compileConditions(conditions, FIELDS);
  } catch (error) {
    if (error instanceof ConditionsError) return error;
    throw error;
  }
  throw new Error(`accepted: ${conditions}`);
};

describe('comparisons', () => {
  it('compares numbers, strings (any letter case), booleans and dates', () => {
    expect(match('id = 2')).toEqual([2]);
    expect(match('id != 2')).toEqual([1, 3, 4]);
    expect(match('id < 2')).toEqual([1]);
    expect(match('id<=2')).toEqual([1, 2]);
    expect(match('id > 3')).toEqual([4]);
    expect(match('id >= 3')).toEqual([3, 4]);
    expect(match('id = -1')).toEqual([]);
    expect(match('company/name = "acme dental"')).toEqual([1, 4]);
    expect(match('closedFlag = true')).toEqual([2]);
    expect(match('closedFlag=FALSE')).toEqual([1, 3, 4]);
    expect(match('lastUpdated > [2026-02-01T00:00:00Z]')).toEqual([3, 4]);
    expect(match('lastUpdated >= [2026-02-01]')).toEqual([2, 3, 4]);
    expect(match('lastUpdated < [2026-03-01T13:30:00+01:00]')).toEqual([1, 2]);
  });

  it('contains, like with % and _, in, and their negations', () => {
    expect(match('summary contains "BACKUP"')).toEqual([1]);
    expect(match('summary like "%fs0_"')).toEqual([1]);
    expect(match('summary like "backup%"')).toEqual([1]);
    expect(match('summary like "100%"')).toEqual([4]);
    expect(match('summary like "%done_now"')).toEqual([4]);
    expect(match('summary not contains "backup"')).toEqual([2, 4]);
    expect(match('summary not like "%done%"')).toEqual([1, 2]);
    expect(match('id in (1, 3, 99)')).toEqual([1, 3]);
    expect(match('company/name in ("contoso b.v.", "Nobody")')).toEqual([2]);
    expect(match('id not in (1,3)')).toEqual([2, 4]);
  });

  it('treats null as SQL does', () => {
    expect(match('company = null')).toEqual([3]);
    expect(match('company != null')).toEqual([1, 2, 4]);
    expect(match('summary = null')).toEqual([3]);
    expect(match('company/id != 250')).toEqual([2]);
    expect(match('summary not contains "x"')).toEqual([1, 2, 4]);
  });

  it('combines with and/or in any letter case, and binds and tighter than or', () => {
    expect(match('company/id = 250 AND closedFlag = false')).toEqual([1, 4]);
    expect(match('id = 1 or id = 2 and closedFlag = false')).toEqual([1]);
    expect(match('(id = 1 or id = 2) and closedFlag = true')).toEqual([2]);
    expect(match('((id=1)) Or ((id = 4))')).toEqual([1, 4]);
  });

  it('reads strings in double or single quotes, with backslash escapes', () => {
    expect(match('summary = "Quote \\"urgent\\" \\\\ review"')).toEqual([2]);
    expect(match('summary contains "\\"urgent\\""')).toEqual([2]);
    expect(match("summary = 'backup failed on fs01'")).toEqual([1]);
    expect(match('summary contains \'"urgent"\'')).toEqual([2]);
    expect(match("summary = 'it\\'s'")).toEqual([]);
  });

  it('takes field names and keywords in any letter case', () => {
    expect(match('Summary = "Backup failed on FS01"')).toEqual([1]);
    expect(match('COMPANY/ID = 250 AND ClosedFlag = False')).toEqual([1, 4]);
    expect(match('Company = NULL')).toEqual([3]);
  });
});

describe('refusals', () => {
  it('names an unknown field', () => {
    const error = refusal('company/idd = 250');
    expect(error.field).toBe('company/idd');
    expect(error.message).toContain("Unknown field 'company/idd'");
    expect(refusal('__proto__ = 1').field).toBe('__proto__');
    expect(refusal('constructor = 1').field).toBe('constructor');
  });

  it('refuses values of the wrong type with the rules ConnectWise spells out', () => {
    const error = refusal('closedFlag = 1');
    expect(error.field).toBe('closedFlag');
    expect(error.message).toMatch(/^Expected a boolean value, not a numeric\. String values should be enclosed/);
    expect(refusal('id = "1"').message).toMatch(/^Expected a numeric value, not a string\./);
    expect(refusal('lastUpdated > 5').message).toMatch(/^Expected a datetime value, not a numeric\./);
  });

  it('refuses operators that do not fit the field', () => {
    expect(refusal('id = "1"').field).toBe('id');
    expect(refusal('summary = 1').field).toBe('summary');
    expect(refusal('closedFlag > false').field).toBe('closedFlag');
    expect(refusal('id contains "1"').field).toBe('id');
    expect(refusal('lastUpdated > "2026-01-01"').field).toBe('lastUpdated');
    expect(refusal('company = 250').field).toBe('company');
    expect(refusal('summary < null').field).toBe('summary');
    expect(refusal('id in (1, "2")').field).toBe('id');
  });

  it.each([
    ['', 'the end'],
    ['id', 'expected an operator'],
    ['id =', 'expected a value'],
    ['id == 1', "Unexpected '='"],
    ['id <> 1', "Unexpected '>'"],
    ['id = 1 and', 'expected a field name'],
    ['id = 1 id = 2', 'Unexpected'],
    ['(id = 1', "expected ')'"],
    ['id = 1)', "Unexpected ')'"],
    ['summary = "unterminated', 'Unterminated string'],
    ["summary = 'unterminated", 'Unterminated string'],
    ['summary = `backtick`', 'Unexpected character'],
    ['summary = "a" + "b"', 'Unexpected character'],
    ['lastUpdated > [2026-13-45]', 'not a valid date'],
    ['lastUpdated > [yesterday]', 'not a valid date'],
    ['lastUpdated > [2026-01-01', 'Unterminated date'],
    ['id in ()', 'expected a value'],
    ['id in (1,)', 'expected a value'],
    ['id not = 1', "expected 'in', 'contains' or 'like'"],
    ['summary contains', 'expected a value'],
    ['and = 1', 'expected a field name'],
    ['id = 1abc', 'Unexpected character'],
    ['id = 1; DROP TABLE tickets', 'Unexpected character'],
    ['summary = "x"; --', 'Unexpected character'],
    ['id = 1 /* comment */', 'Unexpected'],
    ['id = 1\u0000', 'Unexpected character'],
    ['company/ = 1', 'Unexpected'],
    ['/company = 1', 'Unexpected character'],
  ])('refuses %j', (conditions, message) => {
    expect(() => parseConditions(conditions)).toThrow(ConditionsError);
    expect(() => parseConditions(conditions)).toThrow(message);
  });

  it('keeps hostile strings inside their quotes', () => {
    expect(match('summary = "x\\" or id > 0 or summary = \\"y"')).toEqual([]);
    expect(match('summary contains "<script>alert(1)</script>"')).toEqual([]);
    expect(match('summary = "\u202e\u0000 é 漢字 🙂"')).toEqual([]);
    expect(match('summary like "%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%%b%"')).toEqual([1]);
  });

  it('bounds length and nesting instead of overflowing the stack', () => {
    expect(() => parseConditions(`id = ${'1'.repeat(MAX_CONDITIONS_LENGTH)}`)).toThrow('longer than');
    const deep = `${'('.repeat(MAX_NESTING + 1)}id = 1${')'.repeat(MAX_NESTING + 1)}`;
    expect(() => parseConditions(deep)).toThrow('nest deeper');
    const ok = `${'('.repeat(MAX_NESTING)}id = 1${')'.repeat(MAX_NESTING)}`;
    expect(match(ok)).toEqual([1]);
    const long = Array.from({ length: 500 }, (_, i) => `id = ${i}`).join(' or ');
    expect(match(long)).toEqual([1, 2, 3, 4]);
    expect(() => parseConditions(`id in (${Array.from({ length: 1001 }, () => '1').join(',')})`)).toThrow('at most');
  });
});

describe('likeMatch', () => {
  it('matches % and _, and a pattern full of % in linear steps', () => {
    expect(likeMatch('abc', 'a%c')).toBe(true);
    expect(likeMatch('abc', 'a_c')).toBe(true);
    expect(likeMatch('abc', 'a_')).toBe(false);
    expect(likeMatch('', '%')).toBe(true);
    expect(likeMatch('a%b', 'a%%b')).toBe(true);
    // A backtracking regular expression would not finish this within the test timeout.
    expect(likeMatch('a'.repeat(20_000), `${'%a'.repeat(30)}%b`)).toBe(false);
  });
});
