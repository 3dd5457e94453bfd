/**
 * Shared parsing and checks for create/update bodies. Keys are matched case-insensitively to the
 * entity's fields (Datto's own examples mix `"QueueID"` with `"dueDateTime"`); unknown keys are ignored, as a
 * JSON.NET model binder does. Read-only fields are ignored on writes.
 *
 * Messages: Autotask reports validation failures as HTTP 500 with `errors[]`. The wording of the
 * reference and picklist messages is Autotask's own; the other wordings are not documented and
 * follow ASP.NET's defaults, which is what the API is built on (docs/autotask.md, Simulator wording).
 */
import { isPlainObject } from './case-insensitive.ts';
import { findField, type EntityDescriptor, type FieldSpec } from './entities.ts';
import { invalid } from './errors.ts';
import type { SimulatorState } from './store.ts';
import type { UserDefinedField } from './types.ts';
import { coerce, scalarText, type FieldValue } from './values.ts';

export interface WriteInput {
  /** Canonical field name → coerced value, for every writable field present in the body. */
  values: Map<string, FieldValue>;
  /** The `id` in the body, when present (required for PATCH/PUT). */
  id: number | null;
  userDefinedFields: UserDefinedField[] | null;
}

export function parseWriteBody(entity: EntityDescriptor, body: unknown): WriteInput {
  if (!isPlainObject(body)) throw invalid('The request body must be a JSON object.');
  const values = new Map<string, FieldValue>();
  let id: number | null = null;
  let userDefinedFields: UserDefinedField[] | null = null;
  for (const [key, raw] of Object.entries(body)) {
    if (key.toLowerCase() === 'userdefinedfields') {
      userDefinedFields = parseUdfs(raw);
      continue;
    }
    const field = findField(entity, key);
    if (!field) continue;
    if (field.name === 'id') {
      const value = coerce(field, raw);
      id = typeof value === 'number' ? value : null;
      continue;
    }
    if (field.isReadOnly) continue;
    values.set(field.name, coerce(field, raw));
  }
  return { values, id, userDefinedFields };
}

function parseUdfs(raw: unknown): UserDefinedField[] {
  if (!Array.isArray(raw)) throw invalid('userDefinedFields must be an array of {name, value}.');
  return raw.map((item) => {
    if (!isPlainObject(item)) throw invalid('userDefinedFields must be an array of {name, value}.');
    const lowered = Object.fromEntries(Object.entries(item).map(([k, v]) => [k.toLowerCase(), v]));
    if (typeof lowered.name !== 'string') throw invalid('Each user-defined field needs a name.');
    const value = lowered.value;
    const text = value === null || value === undefined ? null : scalarText(value, `User-defined field ${lowered.name}`);
    return { name: lowered.name, value: text };
  });
}

export function isMissing(value: FieldValue | undefined): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

export function requiredMessage(field: string): string {
  return `The ${field} field is required.`;
}

export function lengthMessage(field: FieldSpec): string {
  return `The field ${field.name} must be a string with a maximum length of ${field.length ?? 0}.`;
}

/** The exact message Autotask gives for a missing or inactive referenced record. */
export function referenceMessage(field: string, type: string): string {
  return `Reference value on field: ${field} of type: ${type} does not exist or is invalid.`;
}

/** Autotask's message for an unknown or inactive picklist value ("…existing entity for taskType"). */
export function picklistMessage(field: string): string {
  return `Value does not reference an existing entity for ${field}.`;
}

/** Length limits from metadata (e.g. a ticket's title 255, description 8000). */
export function checkLengths(entity: EntityDescriptor, values: Map<string, FieldValue>, errors: string[]): void {
  for (const [name, value] of values) {
    const field = findField(entity, name);
    if (!field || field.dataType !== 'string' || field.length === undefined) continue;
    if (typeof value === 'string' && value.length > field.length) errors.push(lengthMessage(field));
  }
}

/** Picklist values must exist and be active (inactive values stay in the list but cannot be used). */
export function checkPicklists(
  state: SimulatorState,
  entity: EntityDescriptor,
  values: Map<string, FieldValue>,
  errors: string[],
  options: { unchanged?: (field: string) => boolean } = {},
): void {
  for (const [name, value] of values) {
    const field = findField(entity, name);
    if (!field?.isPickList || value === null) continue;
    if (options.unchanged?.(name)) continue;
    const entry = state.picklist(entity.name, name).find((p) => p.value === String(value));
    if (!entry || !entry.isActive) errors.push(picklistMessage(name));
  }
}
