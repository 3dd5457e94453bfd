/**
 * Filter parsing and evaluation (docs/autotask.md, Queries and filters).
 *
 * - An item is `{op, field, value, udf?, items?}`; keys and field names are case-insensitive,
 *   operator names too (clients write `beginsWith` and `beginswith`).
 * - Top-level items are ANDed; `{op:"and"|"or", items:[…]}` groups nest.
 * - `exist`/`notExist` take no value; `in`/`notIn` take an array (a lone scalar is accepted).
 * - Values are coerced to the field's type, so `"true"` and `"5"` work (clients send both).
 *
 * Semantics follow SQL Server, which is what the API sits on: string comparison is
 * case-insensitive, and a comparison with a NULL field value is never true — so `noteq` and
 * `notIn` do not match records where the field is null. (The REST behaviour on NULLs is not
 * documented; this is the most likely reading.)
 */
import { z } from 'zod';
import { findField, type EntityDescriptor, type FieldSpec } from './entities.ts';
import { isPlainObject, lowerKeys } from './case-insensitive.ts';
import { invalid } from './errors.ts';
import { coerce, scalarText, type FieldValue } from './values.ts';

export const OPERATORS = [
  'eq',
  'noteq',
  'gt',
  'gte',
  'lt',
  'lte',
  'beginsWith',
  'endsWith',
  'contains',
  'exist',
  'notExist',
  'in',
  'notIn',
  'and',
  'or',
] as const;
export type Operator = (typeof OPERATORS)[number];

const operatorByLower = new Map<string, Operator>(OPERATORS.map((op) => [op.toLowerCase(), op]));

/** At most 500 OR conditions per query: documented for SOAP; clients apply it to `in` lists too. */
export const MAX_OR_CONDITIONS = 500;

export interface RawFilter {
  op: string;
  field?: string | undefined;
  value?: unknown;
  udf?: boolean | undefined;
  items?: RawFilter[] | undefined;
}

const udfFlag = z.union([
  z.boolean(),
  z
    .string()
    .refine((v) => ['true', 'false'].includes(v.toLowerCase()))
    .transform((v) => v.toLowerCase() === 'true'),
]);

export const filterItemSchema: z.ZodType<RawFilter> = z.lazy(() =>
  z.object({
    op: z.string({ error: 'Each filter item needs an "op".' }),
    field: z.string().optional(),
    value: z.unknown().optional(),
    udf: udfFlag.optional(),
    items: z.array(filterItemSchema).optional(),
  }),
);

/** Lower-cases the keys of filter items, recursing into `items` (values are left alone). */
export function normalizeFilterKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeFilterKeys);
  if (!isPlainObject(value)) return value;
  const lowered = lowerKeys(value);
  if ('items' in lowered) lowered.items = normalizeFilterKeys(lowered.items);
  return lowered;
}

export type Predicate = (record: object) => boolean;

interface CompileContext {
  entity: EntityDescriptor;
  orConditions: number;
}

/** Validates the whole filter up front (so errors surface even on an empty table) and returns a predicate. */
export function compileFilter(entity: EntityDescriptor, items: RawFilter[]): Predicate {
  const ctx: CompileContext = { entity, orConditions: 0 };
  const predicates = items.map((item) => compileItem(ctx, item));
  if (ctx.orConditions > MAX_OR_CONDITIONS) {
    throw invalid(`Queries are limited to ${MAX_OR_CONDITIONS} or fewer 'OR' conditions.`);
  }
  return (record) => predicates.every((p) => p(record));
}

function compileItem(ctx: CompileContext, item: RawFilter): Predicate {
  const op = operatorByLower.get(item.op.toLowerCase());
  if (!op) throw invalid(`Invalid filter operator '${item.op}'.`);

  if (op === 'and' || op === 'or') {
    const children = (item.items ?? []).map((child) => compileItem(ctx, child));
    if (children.length === 0) throw invalid(`The '${op}' filter group must contain at least one item.`);
    if (op === 'and') return (r) => children.every((p) => p(r));
    ctx.orConditions += children.length;
    return (r) => children.some((p) => p(r));
  }

  if (item.field === undefined || item.field.trim() === '') {
    throw invalid(`A filter with operator '${op}' must name a field.`);
  }
  const read = item.udf ? udfReader(item.field) : fieldReader(ctx.entity, item.field);

  if (op === 'exist') return (r) => !isNull(read.get(r));
  if (op === 'notExist') return (r) => isNull(read.get(r));

  if (op === 'in' || op === 'notIn') {
    const raw = item.value;
    if (raw === undefined || raw === null)
      throw invalid(`A value is required for operator '${op}' on field ${item.field}.`);
    const list = (Array.isArray(raw) ? raw : [raw]).map((v) => read.coerce(v));
    ctx.orConditions += list.length;
    const keys = new Set(list.filter((v) => !isNull(v)).map((v) => compareKey(v)));
    return op === 'in'
      ? (r) => {
          const v = read.get(r);
          return !isNull(v) && keys.has(compareKey(v));
        }
      : (r) => {
          const v = read.get(r);
          return !isNull(v) && !keys.has(compareKey(v));
        };
  }

  if (item.value === undefined || item.value === null) {
    // Autotask rejects null as a filter value.
    throw invalid(`A value is required for operator '${op}' on field ${item.field}.`);
  }
  if (Array.isArray(item.value))
    throw invalid(`Operator '${op}' on field ${item.field} takes a single value, not a list.`);

  if (op === 'beginsWith' || op === 'endsWith' || op === 'contains') {
    const needle = scalarText(item.value, `The value for operator '${op}' on field ${item.field}`).toLowerCase();
    const test =
      op === 'beginsWith'
        ? (s: string) => s.startsWith(needle)
        : op === 'endsWith'
          ? (s: string) => s.endsWith(needle)
          : (s: string) => s.includes(needle);
    return (r) => {
      const v = read.get(r);
      return !isNull(v) && test(String(v).toLowerCase());
    };
  }

  const wanted = read.coerce(item.value);
  const cmp = (r: object): number | null => {
    const v = read.get(r);
    if (isNull(v) || isNull(wanted)) return null;
    return compare(v, wanted);
  };
  switch (op) {
    case 'eq':
      return (r) => cmp(r) === 0;
    case 'noteq':
      return (r) => {
        const c = cmp(r);
        return c !== null && c !== 0;
      };
    case 'gt':
      return (r) => (cmp(r) ?? 0) > 0;
    case 'gte':
      return (r) => {
        const c = cmp(r);
        return c !== null && c >= 0;
      };
    case 'lt':
      return (r) => (cmp(r) ?? 0) < 0;
    case 'lte':
      return (r) => {
        const c = cmp(r);
        return c !== null && c <= 0;
      };
  }
}

interface Reader {
  get(record: object): FieldValue;
  coerce(value: unknown): FieldValue;
}

function fieldReader(entity: EntityDescriptor, name: string): Reader {
  const field = findField(entity, name);
  if (!field) throw invalid(`Unable to find ${name} in the ${entity.name} entity.`);
  if (field.isQueryable === false) throw invalid(`The field ${field.name} is not queryable.`);
  return {
    get: (record) => valueOf(record, field),
    coerce: (value) => coerce(field, value),
  };
}

/** `udf: true` targets a user-defined field by name; UDF values are strings. */
function udfReader(name: string): Reader {
  const wanted = name.toLowerCase();
  return {
    get: (record) => {
      const udfs = (record as { userDefinedFields?: { name: string; value: string | null }[] }).userDefinedFields;
      return udfs?.find((u) => u.name.toLowerCase() === wanted)?.value ?? null;
    },
    coerce: (value) =>
      value === null || value === undefined ? null : scalarText(value, `The value for user-defined field ${name}`),
  };
}

function valueOf(record: object, field: FieldSpec): FieldValue {
  const v = (record as Record<string, unknown>)[field.name];
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return null;
}

function isNull(v: FieldValue | undefined): v is null | undefined {
  return v === null || v === undefined;
}

/** Dates are ISO strings in UTC, so they compare correctly as instants via Date.parse. */
function compare(a: Exclude<FieldValue, null>, b: Exclude<FieldValue, null>): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) - Number(b);
  const sa = String(a);
  const sb = String(b);
  if (ISO.test(sa) && ISO.test(sb)) return Date.parse(sa) - Date.parse(sb);
  const la = sa.toLowerCase();
  const lb = sb.toLowerCase();
  return la < lb ? -1 : la > lb ? 1 : 0;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

function compareKey(v: Exclude<FieldValue, null>): string {
  if (typeof v === 'string') return ISO.test(v) ? `d:${Date.parse(v)}` : `s:${v.toLowerCase()}`;
  if (typeof v === 'boolean') return `n:${Number(v)}`;
  return `n:${v}`;
}
