import { z } from 'zod';
import { intish, parseAnswer as parseWith, validId as checkId } from '../psa-http/wire.ts';
import { AutotaskUnavailableError, type AutotaskErrorContext } from './errors.ts';

/**
 * Zod pieces shared by the entity modules. Tolerant on purpose: extra fields are dropped, ids and
 * picklist values may come as numbers or numeric strings, empty values as null or absent. The
 * readers of single values are every PSA client's (`src/psa-http/wire.ts`); Autotask's envelopes
 * are here.
 */

export { booleanish, intish, optionalDate, optionalInt, optionalString } from '../psa-http/wire.ts';

/** `{"item": {...}}` or `{"item": null}` from GET by id. */
export function itemEnvelope<T extends z.ZodType>(item: T) {
  return z.object({ item: item.nullable().optional() });
}

const pageDetailsSchema = z
  .object({
    count: intish.optional(),
    requestCount: intish.optional(),
    prevPageUrl: z.string().nullish(),
    nextPageUrl: z.string().nullish(),
  })
  .nullish();

/** `{"items": [...], "pageDetails": {...}}` from a query. */
export const itemsEnvelope = z.object({
  items: z
    .array(z.unknown())
    .nullish()
    .transform((v) => v ?? []),
  pageDetails: pageDetailsSchema,
});

/** `{"itemId": N}` from create, update and delete. */
export const itemIdEnvelope = z.object({ itemId: intish });

/** `{"queryCount": N}` from `query/count`. */
export const countEnvelope = z.object({ queryCount: intish });

/**
 * Parses an answer Autotask gave with HTTP 2xx. A shape we cannot read is an unusable answer: for
 * a write that leaves the outcome unknown, hence the unavailable error.
 */
export function parseAnswer<T extends z.ZodType>(schema: T, data: unknown, context: AutotaskErrorContext): z.output<T> {
  return parseWith(
    schema,
    data,
    (issues) =>
      new AutotaskUnavailableError(
        'bad_response',
        200,
        [],
        context,
        `Autotask answered in an unexpected format (${issues}).`,
      ),
  );
}

/** Ids go into URLs and filters: only whole, non-negative numbers pass (0 is the tenant's own company). */
export function validId(id: number, what: string): number {
  return checkId(id, `Autotask ${what}`);
}
