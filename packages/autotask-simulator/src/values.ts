/**
 * Coercion of incoming values to a field's data type, for body fields and filter values alike.
 * Clients send numbers as strings and booleans as "true" (open-source clients send `"true"` for
 * isActive and it works; picklist ids are strings in metadata and numbers on entities), so strings
 * are accepted where they convert cleanly. Anything else fails the way SQL Server does ("Conversion
 * failed when converting varchar 'false' to data type int"; docs/autotask.md, Error shape).
 */
import type { DataType, FieldSpec } from './entities.ts';
import { invalid } from './errors.ts';

export type FieldValue = string | number | boolean | null;

export function coerce(field: FieldSpec, value: unknown): FieldValue {
  if (value === null || value === undefined) return null;
  switch (field.dataType) {
    case 'long':
    case 'integer':
      return toInteger(field, value);
    case 'double':
      return toDouble(field, value);
    case 'boolean':
      return toBoolean(field, value);
    case 'datetime':
      return toDateTime(field, value);
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      throw conversionFailed(field, value);
  }
}

/**
 * A JSON scalar as text, for values compared or stored as text (UDFs, `contains` needles). An
 * object has no text form: it is refused like a failed conversion instead of becoming
 * "[object Object]".
 */
export function scalarText(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw invalid(`${what} must be a single text, number or boolean value.`);
}

function toInteger(field: FieldSpec, value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number.parseInt(value, 10);
  throw conversionFailed(field, value);
}

function toDouble(field: FieldSpec, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw conversionFailed(field, value);
}

function toBoolean(field: FieldSpec, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
  }
  throw conversionFailed(field, value);
}

/** Times are UTC; a filter value may omit the zone (`"2090-09-01T00:00:00"`), which means UTC. */
function toDateTime(field: FieldSpec, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw conversionFailed(field, value);
  const text = value.trim();
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text);
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const ms = Date.parse(dateOnly ? `${text}T00:00:00Z` : hasZone ? text : `${text}Z`);
  if (Number.isNaN(ms)) throw conversionFailed(field, value);
  return new Date(ms).toISOString();
}

const SQL_TYPE: Record<DataType, string> = {
  long: 'bigint',
  integer: 'int',
  double: 'decimal',
  boolean: 'bit',
  datetime: 'datetime',
  string: 'nvarchar',
};

function conversionFailed(field: FieldSpec, value: unknown): Error {
  const shown = typeof value === 'string' ? value : JSON.stringify(value);
  return invalid(
    `Conversion failed when converting the value '${shown}' of field ${field.name} to data type ${SQL_TYPE[field.dataType]}.`,
  );
}
