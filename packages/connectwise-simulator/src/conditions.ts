/**
 * The `conditions` query parameter, the subset of ConnectWise's syntax clients use (docs/connectwise.md, Conditions
 * and other query parameters):
 *
 *   company/id = 250 and (status/name = "New" or closedFlag = false)
 *   summary contains "backup" and externalXRef like "bc-%" and id in (1, 2, 3)
 *   lastUpdated > [2026-03-04T10:00:00Z] and contact = null
 *
 * - comparisons: `=`, `!=`, `<`, `<=`, `>`, `>=`, `contains`, `like`, `in (…)`, and `not contains|like|in`
 * - values: strings in double or single quotes, numbers, `true`/`false`, `null`, dates in `[brackets]`
 * - `and`/`or` (keywords and field names in any letter case; `and` binds tighter), parentheses
 * - fields are names or paths into references (`company/id`, `board/name`); which exist is the resource's business
 *   (conditions-eval.ts), so an unknown field is refused before any record is read
 *
 * Not documented anywhere (docs/connectwise.md, Conditions and other query parameters): how a quote is escaped
 * inside a string. The simulator takes a backslash before the string's own quote or before a backslash, and keeps any
 * other backslash as it is; clients should not depend on it. Input is bounded in length and nesting, so a hostile
 * string costs a 400, not the process.
 */

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'date'; value: number; text: string };

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'contains' | 'like';

export type Condition =
  | { kind: 'and' | 'or'; left: Condition; right: Condition }
  | { kind: 'compare'; field: string; op: CompareOp; negated: boolean; value: Literal; at: number }
  | { kind: 'in'; field: string; negated: boolean; values: Literal[]; at: number };

export const MAX_CONDITIONS_LENGTH = 8_000;
export const MAX_NESTING = 32;
const MAX_IN_VALUES = 1_000;

export class ConditionsError extends Error {
  /** The field the problem is about, when there is one (an unknown field, a value of the wrong type). */
  readonly field: string | null;
  constructor(message: string, field: string | null = null) {
    super(message);
    this.name = 'ConditionsError';
    this.field = field;
  }
}

type Token =
  | { type: 'punct'; value: '(' | ')' | ','; at: number }
  | { type: 'op'; value: '=' | '!=' | '<' | '<=' | '>' | '>='; at: number }
  | { type: 'word'; value: string; at: number }
  | { type: 'literal'; value: Literal; at: number }
  | { type: 'end'; at: number };

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'contains', 'like', 'true', 'false', 'null']);
const WORD = /[A-Za-z_][A-Za-z0-9_]*(?:\/[A-Za-z_][A-Za-z0-9_]*)*/y;
const NUMBER = /-?\d+(?:\.\d+)?(?![A-Za-z_])/y;
/** ISO dates ConnectWise prints and accepts: a day, optionally a time, optionally a zone. */
const DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;

/** Parses a conditions string; throws ConditionsError with the position of the first problem. */
export function parseConditions(text: string): Condition {
  if (text.length > MAX_CONDITIONS_LENGTH) {
    throw new ConditionsError(`conditions is longer than ${MAX_CONDITIONS_LENGTH} characters.`);
  }
  const parser = new Parser(tokenize(text));
  const condition = parser.parseOr(0);
  parser.expectEnd();
  return condition;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? '';
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ type: 'punct', value: ch, at: i });
      i += 1;
    } else if (ch === '"' || ch === "'") {
      const [value, end] = readString(text, i);
      tokens.push({ type: 'literal', value: { kind: 'string', value }, at: i });
      i = end;
    } else if (ch === '[') {
      const [value, end] = readDate(text, i);
      tokens.push({ type: 'literal', value, at: i });
      i = end;
    } else if ('=!<>'.includes(ch)) {
      const [value, end] = readOperator(text, i);
      tokens.push({ type: 'op', value, at: i });
      i = end;
    } else {
      i = readWordOrNumber(text, i, tokens);
    }
  }
  tokens.push({ type: 'end', at: text.length });
  return tokens;
}

/** A string in the quotes it starts with; a backslash escapes that quote or a backslash (assumed, see above). */
function readString(text: string, start: number): [string, number] {
  const quote = text[start];
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === quote) return [value, i + 1];
    if (ch === '\\' && (text[i + 1] === quote || text[i + 1] === '\\')) {
      value += text[i + 1];
      i += 2;
      continue;
    }
    value += ch;
    i += 1;
  }
  throw new ConditionsError(`Unterminated string starting at position ${start}.`);
}

function readDate(text: string, start: number): [Literal, number] {
  const end = text.indexOf(']', start + 1);
  if (end === -1) throw new ConditionsError(`Unterminated date starting at position ${start}.`);
  const inner = text.slice(start + 1, end).trim();
  const ms = DATE.test(inner) ? Date.parse(inner.length === 10 ? `${inner}T00:00:00Z` : inner) : Number.NaN;
  if (Number.isNaN(ms)) throw new ConditionsError(`[${inner}] at position ${start} is not a valid date.`);
  return [{ kind: 'date', value: ms, text: inner }, end + 1];
}

function readOperator(text: string, start: number): [Extract<Token, { type: 'op' }>['value'], number] {
  const two = text.slice(start, start + 2);
  if (two === '!=' || two === '<=' || two === '>=') return [two, start + 2];
  const one = text[start];
  if (one === '=' || one === '<' || one === '>') return [one, start + 1];
  throw new ConditionsError(`Unexpected '${two}' at position ${start}.`);
}

function readWordOrNumber(text: string, start: number, tokens: Token[]): number {
  NUMBER.lastIndex = start;
  const number = NUMBER.exec(text);
  if (number) {
    tokens.push({ type: 'literal', value: { kind: 'number', value: Number(number[0]) }, at: start });
    return start + number[0].length;
  }
  WORD.lastIndex = start;
  const word = WORD.exec(text);
  if (word) {
    tokens.push({ type: 'word', value: word[0], at: start });
    return start + word[0].length;
  }
  const shown = JSON.stringify(text[start] ?? '');
  throw new ConditionsError(`Unexpected character ${shown} at position ${start}.`);
}

class Parser {
  readonly #tokens: Token[];
  #pos = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  parseOr(depth: number): Condition {
    let left = this.#parseAnd(depth);
    while (this.#isKeyword('or')) {
      this.#pos += 1;
      left = { kind: 'or', left, right: this.#parseAnd(depth) };
    }
    return left;
  }

  expectEnd(): void {
    const token = this.#peek();
    if (token.type !== 'end') throw this.#unexpected(token);
  }

  #parseAnd(depth: number): Condition {
    let left = this.#parsePrimary(depth);
    while (this.#isKeyword('and')) {
      this.#pos += 1;
      left = { kind: 'and', left, right: this.#parsePrimary(depth) };
    }
    return left;
  }

  #parsePrimary(depth: number): Condition {
    const token = this.#peek();
    if (token.type === 'punct' && token.value === '(') {
      if (depth >= MAX_NESTING) throw new ConditionsError(`conditions nest deeper than ${MAX_NESTING} levels.`);
      this.#pos += 1;
      const inner = this.parseOr(depth + 1);
      this.#expectPunct(')');
      return inner;
    }
    return this.#parseComparison();
  }

  #parseComparison(): Condition {
    const fieldToken = this.#next();
    if (fieldToken.type !== 'word' || KEYWORDS.has(fieldToken.value.toLowerCase())) {
      throw this.#unexpected(fieldToken, 'a field name');
    }
    const field = fieldToken.value;
    const at = fieldToken.at;
    const negated = this.#isKeyword('not');
    if (negated) this.#pos += 1;
    if (this.#isKeyword('in')) {
      this.#pos += 1;
      return { kind: 'in', field, negated, values: this.#parseList(), at };
    }
    if (this.#isKeyword('contains') || this.#isKeyword('like')) {
      const op = (this.#next() as { value: string }).value.toLowerCase() as 'contains' | 'like';
      return { kind: 'compare', field, op, negated, value: this.#parseValue(), at };
    }
    const opToken = this.#next();
    if (negated || opToken.type !== 'op') {
      throw this.#unexpected(opToken, negated ? "'in', 'contains' or 'like'" : 'an operator');
    }
    return { kind: 'compare', field, op: opToken.value, negated: false, value: this.#parseValue(), at };
  }

  #parseList(): Literal[] {
    this.#expectPunct('(');
    const values = [this.#parseValue()];
    while (this.#peek().type === 'punct' && (this.#peek() as { value: string }).value === ',') {
      this.#pos += 1;
      values.push(this.#parseValue());
      if (values.length > MAX_IN_VALUES)
        throw new ConditionsError(`An in (…) list holds at most ${MAX_IN_VALUES} values.`);
    }
    this.#expectPunct(')');
    return values;
  }

  #parseValue(): Literal {
    const token = this.#next();
    if (token.type === 'literal') return token.value;
    if (token.type === 'word') {
      const word = token.value.toLowerCase();
      if (word === 'true' || word === 'false') return { kind: 'boolean', value: word === 'true' };
      if (word === 'null') return { kind: 'null' };
    }
    throw this.#unexpected(token, 'a value');
  }

  #expectPunct(value: '(' | ')'): void {
    const token = this.#next();
    if (token.type !== 'punct' || token.value !== value) throw this.#unexpected(token, `'${value}'`);
  }

  #isKeyword(keyword: string): boolean {
    const token = this.#peek();
    return token.type === 'word' && token.value.toLowerCase() === keyword;
  }

  #peek(): Token {
    return this.#tokens[this.#pos] ?? { type: 'end', at: 0 };
  }

  #next(): Token {
    const token = this.#peek();
    if (token.type !== 'end') this.#pos += 1;
    return token;
  }

  #unexpected(token: Token, wanted?: string): ConditionsError {
    const found = token.type === 'end' ? 'the end' : `'${describe(token)}'`;
    const expected = wanted ? `, expected ${wanted}` : '';
    return new ConditionsError(`Unexpected ${found} at position ${token.at}${expected}.`);
  }
}

function describe(token: Token): string {
  if (token.type === 'literal') {
    const v = token.value;
    if (v.kind === 'string') return `"${v.value.slice(0, 40)}"`;
    if (v.kind === 'date') return `[${v.text}]`;
    return v.kind === 'null' ? 'null' : String(v.value);
  }
  return token.type === 'end' ? '' : String(token.value);
}
