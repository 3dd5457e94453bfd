/**
 * The query model (docs/autotask.md, Queries and filters): `filter`, `IncludeFields`, `MaxRecords`
 * (and an unused `Xml`). Keys are case-insensitive: clients send `filter` and
 * `Filter`, `MaxRecords` and `maxRecords`, `IncludeFields` and `includeFields`.
 */
import { z } from 'zod';
import { isPlainObject, lowerKeys } from './case-insensitive.ts';
import { findField, type EntityDescriptor } from './entities.ts';
import { invalid } from './errors.ts';
import { filterItemSchema, normalizeFilterKeys, type RawFilter } from './filters.ts';

/** MaxRecords is 1–500 and the default page size is 500. */
export const MAX_RECORDS = 500;

export interface ParsedQuery {
  filter: RawFilter[];
  /** Canonical field names, or null for all fields. */
  includeFields: string[] | null;
  maxRecords: number;
}

const querySchema = z.object({
  filter: z.array(filterItemSchema, { error: 'The query must have a "filter" array.' }),
  includefields: z
    .union([z.array(z.string()), z.string().transform((s) => s.split(',').map((f) => f.trim()))])
    .nullable()
    .optional(),
  maxrecords: z.coerce
    .number()
    .int()
    .min(1, `MaxRecords must be between 1 and ${MAX_RECORDS}.`)
    .max(MAX_RECORDS, `MaxRecords must be between 1 and ${MAX_RECORDS}.`)
    .nullable()
    .optional(),
});

export function parseQuery(entity: EntityDescriptor, body: unknown): ParsedQuery {
  if (!isPlainObject(body)) throw invalid('The query must be a JSON object with a "filter" array.');
  const lowered = lowerKeys(body);
  lowered.filter = normalizeFilterKeys(lowered.filter);
  const parsed = querySchema.safeParse(lowered);
  if (!parsed.success) throw invalid(parsed.error.issues.map(describeIssue));
  const { filter, includefields, maxrecords } = parsed.data;
  // A query without conditions is rejected; "return everything" is spelled `{"op":"exist","field":"id"}`.
  if (filter.length === 0) throw invalid('The query must contain at least one filter.');
  return {
    filter,
    includeFields:
      includefields && includefields.length > 0 ? includefields.map((f) => canonicalField(entity, f)) : null,
    maxRecords: maxrecords ?? MAX_RECORDS,
  };
}

function canonicalField(entity: EntityDescriptor, name: string): string {
  const field = findField(entity, name);
  if (!field) throw invalid(`Unable to find ${name} in the ${entity.name} entity.`);
  return field.name;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

/**
 * The wire form of one record: every field in metadata order (camelCase), or only IncludeFields.
 * `userDefinedFields` comes back even with IncludeFields, as clients see from Autotask.
 */
export function project(
  entity: EntityDescriptor,
  record: object,
  includeFields: string[] | null,
): Record<string, unknown> {
  const source = record as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const wanted = includeFields ? new Set(includeFields) : null;
  for (const field of entity.fields) {
    if (wanted && !wanted.has(field.name)) continue;
    out[field.name] = source[field.name] ?? null;
  }
  if (entity.hasUserDefinedFields) {
    const udfs = source.userDefinedFields;
    out.userDefinedFields = Array.isArray(udfs) ? udfs.map((u: unknown) => (isPlainObject(u) ? { ...u } : u)) : [];
  }
  return out;
}
