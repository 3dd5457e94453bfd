/**
 * Checks parsed conditions against a resource's fields and turns them into a record filter.
 *
 * Field names match in any letter case (docs/connectwise.md, Conditions and other query parameters). A field the
 * resource does not have, or a value of the wrong type, is refused before any record is read; the wrong-type message
 * is the one a public client quotes from ConnectWise. Assumed, as the SQL ConnectWise runs them as would do: string
 * comparison ignores letter case; `like` takes `%` (any run) and `_` (one character); a null value matches only
 * `= null`, and `!= x` is false for it; `contains`/`like` apply to text fields only, `<`/`>` not to booleans.
 */
import { ConditionsError, parseConditions, type Condition, type Literal } from './conditions.ts';

export type FieldType = 'number' | 'string' | 'boolean' | 'date' | 'reference';

export interface FieldDef<T> {
  type: FieldType;
  /** number, string, boolean, ISO date string, or (reference) the referenced id; null when empty. */
  get: (record: T) => unknown;
}

export type FieldMap<T> = Readonly<Record<string, FieldDef<T>>>;

export type RecordFilter<T> = (record: T) => boolean;

/** Parses and checks `text`; throws ConditionsError. */
export function compileConditions<T>(text: string, fields: FieldMap<T>): RecordFilter<T> {
  const condition = parseConditions(text);
  check(condition, fields);
  return (record) => evaluate(condition, fields, record);
}

const indexes = new WeakMap<object, Map<string, string>>();

/** The name of the field called `name` in any letter case, as the resource spells it. */
export function fieldName<T>(fields: FieldMap<T>, name: string): string | undefined {
  let index = indexes.get(fields);
  if (!index) {
    index = new Map(Object.keys(fields).map((key) => [key.toLowerCase(), key]));
    indexes.set(fields, index);
  }
  return index.get(name.toLowerCase());
}

export function fieldDef<T>(fields: FieldMap<T>, name: string): FieldDef<T> | undefined {
  const key = fieldName(fields, name);
  return key === undefined ? undefined : fields[key];
}

/** ConnectWise's own rules text, as a public client quotes it (docs/connectwise.md, Conditions and other …). */
export const LITERAL_RULES =
  'String values should be enclosed with double or single quotes; DateTime values should be enclosed in square ' +
  'brackets; numbers should consist of only digits, and optionally a decimal point and a negation sign; boolean ' +
  'values should be indicated with the keywords true or false; null values should be indicated by the keyword null.';

const KIND_NAMES: Record<Literal['kind'], string> = {
  number: 'numeric',
  string: 'string',
  boolean: 'boolean',
  date: 'datetime',
  null: 'null',
};

function check<T>(condition: Condition, fields: FieldMap<T>): void {
  if (condition.kind !== 'compare' && condition.kind !== 'in') {
    check(condition.left, fields);
    check(condition.right, fields);
    return;
  }
  const def = fieldDef(fields, condition.field);
  if (!def) throw new ConditionsError(`Unknown field '${condition.field}'.`, condition.field);
  if (condition.kind === 'in') {
    for (const value of condition.values) checkValue(condition.field, def.type, '=', value);
    return;
  }
  checkValue(condition.field, def.type, condition.op, condition.value);
}

function checkValue(field: string, type: FieldType, op: string, value: Literal): void {
  const wrong = (why: string) => new ConditionsError(`${field}: ${why}`, field);
  if (value.kind === 'null') {
    if (op !== '=' && op !== '!=') throw wrong(`null can only be compared with = or !=.`);
    return;
  }
  if (op === 'contains' || op === 'like') {
    if (type !== 'string' || value.kind !== 'string') throw wrong(`${op} needs a text field and a quoted string.`);
    return;
  }
  if (type === 'boolean' && op !== '=' && op !== '!=') throw wrong(`a boolean can only be compared with = or !=.`);
  const expected: Record<FieldType, Literal['kind'] | null> = {
    number: 'number',
    string: 'string',
    boolean: 'boolean',
    date: 'date',
    reference: null,
  };
  const wanted = expected[type];
  if (wanted === null) throw wrong(`a reference can only be compared with null; name one of its fields (${field}/id).`);
  if (value.kind !== wanted) {
    throw new ConditionsError(
      `Expected a ${KIND_NAMES[wanted]} value, not a ${KIND_NAMES[value.kind]}. ${LITERAL_RULES}`,
      field,
    );
  }
}

function evaluate<T>(condition: Condition, fields: FieldMap<T>, record: T): boolean {
  switch (condition.kind) {
    case 'and':
      return evaluate(condition.left, fields, record) && evaluate(condition.right, fields, record);
    case 'or':
      return evaluate(condition.left, fields, record) || evaluate(condition.right, fields, record);
    case 'in': {
      const actual = fieldDef(fields, condition.field)?.get(record) ?? null;
      if (actual === null) return false;
      const found = condition.values.some((v) => v.kind !== 'null' && compare(actual, v) === 0);
      return condition.negated ? !found : found;
    }
    case 'compare': {
      const actual = fieldDef(fields, condition.field)?.get(record) ?? null;
      const result = compareOp(actual, condition.op, condition.value);
      // SQL: NOT over an unknown (null) value stays unknown, i.e. no match.
      return condition.negated ? actual !== null && !result : result;
    }
  }
}

function compareOp(actual: unknown, op: string, value: Literal): boolean {
  if (value.kind === 'null') return op === '=' ? actual === null : actual !== null;
  if (actual === null) return false;
  if (op === 'contains') return lower(actual).includes((value as { value: string }).value.toLowerCase());
  if (op === 'like') return likeMatch(lower(actual), (value as { value: string }).value.toLowerCase());
  const order = compare(actual, value);
  switch (op) {
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    default:
      return order >= 0;
  }
}

function lower(value: unknown): string {
  return String(value).toLowerCase();
}

/** <0, 0, >0; strings without regard to letter case, dates by instant. */
function compare(actual: unknown, value: Exclude<Literal, { kind: 'null' }>): number {
  if (value.kind === 'date') return Date.parse(String(actual)) - value.value;
  if (value.kind === 'string') return lower(actual).localeCompare(value.value.toLowerCase(), 'en');
  if (value.kind === 'boolean') return actual === value.value ? 0 : 1;
  return Number(actual) - value.value;
}

/**
 * SQL LIKE with `%` and `_`, by the two-pointer wildcard walk: linear in practice and at worst text × pattern, so a
 * pattern such as `%a%a%a%a%b` cannot stall the simulator the way a backtracking regular expression could.
 */
export function likeMatch(text: string, pattern: string): boolean {
  let t = 0;
  let p = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] === '%') {
      star = p;
      mark = t;
      p += 1;
    } else if (p < pattern.length && (pattern[p] === '_' || pattern[p] === text[t])) {
      t += 1;
      p += 1;
    } else if (star !== -1) {
      p = star + 1;
      mark += 1;
      t = mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '%') p += 1;
  return p === pattern.length;
}
