/**
 * The `conditions` query language (docs/connectwise.md, Conditions and other query parameters):
 * `field operator value`, nested fields with `/`, joined with AND/OR in parentheses. Strings in double
 * quotes, dates in [brackets], numbers bare, `true`/`false`/`null`, `in (…)` lists.
 *
 * Conditions are only ever built here, from checked parts: a field name must look like one, and
 * every value goes through `literal`, so no caller's text can add a condition of its own. A
 * `Condition` is an opaque value; `render` turns it into the parameter's text.
 */

declare const conditionBrand: unique symbol;

export interface Condition {
  readonly [conditionBrand]: true;
}

interface Built {
  readonly text: string;
  /** How its parts are joined, if it is a join: parenthesised when it goes into the other kind of join. */
  readonly joinedWith: JoinOp | null;
}

type JoinOp = 'AND' | 'OR';

export type Literal = string | number | boolean | Date | null;

type Comparison = '=' | '!=' | '<' | '<=' | '>' | '>=';

const FIELD = /^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Control characters have no business in a condition and could end it early in a lenient parser. */
function isControl(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
}

/**
 * What `contains` searches leave out of free text: the quote characters and the backslash, whose
 * escaping inside a string is not confirmed by any source (docs/connectwise.md, Conditions), and
 * control characters.
 */
function isUnquotableInSearch(ch: string): boolean {
  return ch === '"' || ch === "'" || ch === '\\' || isControl(ch);
}

/** The runs of `text` between characters `cut` says to leave out, trimmed, empty runs dropped. */
function runsBetween(text: string, cut: (ch: string) => boolean): string[] {
  const runs: string[] = [];
  let current = '';
  for (const ch of text) {
    if (cut(ch)) {
      runs.push(current);
      current = '';
    } else current += ch;
  }
  runs.push(current);
  return runs.map((run) => run.trim()).filter((run) => run !== '');
}

function build(text: string, joinedWith: JoinOp | null): Condition {
  return { text, joinedWith } as Built as unknown as Condition;
}

function built(condition: Condition): Built {
  return condition as unknown as Built;
}

function field(name: string): string {
  if (!FIELD.test(name)) throw new TypeError(`Not a ConnectWise field name: ${JSON.stringify(name)}`);
  return name;
}

/**
 * A string in double quotes, with `\` and `"` escaped by a backslash. THE ONE PLACE that decides how a
 * string is written into a condition. Unverified: ConnectWise's documentation shows no quote inside a
 * string, so the backslash escape is the common convention, not a confirmed rule (docs/connectwise.md,
 * Conditions, "Escaping a quote inside a string"). Callers therefore never pass text with quotes
 * where they can avoid it: references are checked to have none (`reference.ts`) and free-text
 * searches drop them (`contains`).
 */
export function quoteString(value: string): string {
  if ([...value].some(isControl))
    throw new TypeError('A ConnectWise condition value must not contain control characters');
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A date as ConnectWise reads it in conditions: UTC in [brackets], whole seconds. */
export function dateLiteral(value: Date): string {
  if (Number.isNaN(value.getTime())) throw new TypeError('Invalid date in a ConnectWise condition');
  return `[${value.toISOString().replace(/\.\d{3}Z$/, 'Z')}]`;
}

/** Any value as a literal of the condition language. */
export function literal(value: Literal): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    const text = String(value);
    if (!Number.isFinite(value) || /e/i.test(text)) {
      throw new TypeError(`Not a number ConnectWise can read: ${text}`);
    }
    return text;
  }
  if (value instanceof Date) return dateLiteral(value);
  return quoteString(value);
}

function compare(name: string, op: Comparison, value: Literal): Condition {
  return build(`${field(name)} ${op} ${literal(value)}`, null);
}

function join(op: JoinOp, parts: readonly (Condition | null | undefined)[]): Condition | null {
  const present = parts.filter((p): p is Condition => p !== null && p !== undefined).map(built);
  if (present.length === 0) return null;
  if (present.length === 1) return build(present[0]!.text, present[0]!.joinedWith);
  const texts = present.map((p) => (p.joinedWith !== null && p.joinedWith !== op ? `(${p.text})` : p.text));
  return build(texts.join(` ${op} `), op);
}

export const cond = {
  eq: (name: string, value: Literal): Condition => compare(name, '=', value),
  ne: (name: string, value: Literal): Condition => compare(name, '!=', value),
  lt: (name: string, value: number | Date): Condition => compare(name, '<', value),
  lte: (name: string, value: number | Date): Condition => compare(name, '<=', value),
  gt: (name: string, value: number | Date): Condition => compare(name, '>', value),
  gte: (name: string, value: number | Date): Condition => compare(name, '>=', value),

  /** `field in (1,2,3)` for record ids. At least one id. */
  in(name: string, ids: readonly number[]): Condition {
    if (ids.length === 0) throw new TypeError('An `in` condition needs at least one id');
    for (const id of ids) {
      if (!Number.isSafeInteger(id) || id < 0) throw new TypeError(`Invalid id in a condition: ${String(id)}`);
    }
    return build(`${field(name)} in (${ids.join(',')})`, null);
  },

  /**
   * A free-text search: `field contains "…"` for each run of the text between quote characters,
   * backslashes and control characters, which are left out (see `isUnquotableInSearch`). `O"Brien`
   * becomes `contains "O" AND contains "Brien"`: a few more matches, never a broken or widened
   * condition. Null when nothing searchable is left (no condition at all).
   */
  contains(name: string, text: string): Condition | null {
    const runs = runsBetween(text, isUnquotableInSearch);
    return join(
      'AND',
      runs.map((run) => build(`${field(name)} contains ${quoteString(run)}`, null)),
    );
  },

  /** All of them; missing parts (null) are left out. Null when none is left. */
  and: (...parts: (Condition | null | undefined)[]): Condition | null => join('AND', parts),
  /** Any of them; missing parts (null) are left out. Null when none is left. */
  or: (...parts: (Condition | null | undefined)[]): Condition | null => join('OR', parts),
};

/** The `conditions` parameter's text; undefined for no condition (the parameter is then left out). */
export function render(condition: Condition | null | undefined): string | undefined {
  return condition ? built(condition).text : undefined;
}
