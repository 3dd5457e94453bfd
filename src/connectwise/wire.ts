import { z } from 'zod';
import { intish, optionalInt, optionalString, parseAnswer as parseWith, validId as checkId } from '../psa-http/wire.ts';
import { ConnectWiseUnavailableError, type ConnectWiseErrorContext } from './errors.ts';

/**
 * Zod pieces shared by the entity modules. Tolerant on purpose: extra fields (`_info` and the
 * rest) are dropped, ids may come as numbers or numeric strings, empty values as null or absent.
 * The readers of single values are every PSA client's (`src/psa-http/wire.ts`); ConnectWise's
 * references and envelopes are here. Times: ConnectWise sends UTC (`optionalDate`).
 */

export { booleanish, intish, optionalDate, optionalInt, optionalString } from '../psa-http/wire.ts';

/** `boolean | null`: null when ConnectWise left it out. */
export const optionalBoolean = z
  .union([z.boolean(), z.null()])
  .optional()
  .transform((v) => (typeof v === 'boolean' ? v : null));

/** A reference to another record, `{"id": 5, "name": "New", "_info": {…}}`, or null/absent. */
export const reference = z
  .object({ id: optionalInt, name: optionalString })
  .nullish()
  .transform((r) => ({ id: r?.id ?? null, name: r?.name ?? null }));

/** A bare JSON array: ConnectWise's list answer. */
export const listEnvelope = z.array(z.unknown());

/** `{"count": n}` from `…/count`. */
export const countEnvelope = z.object({ count: intish });

/**
 * Parses an answer ConnectWise gave with HTTP 2xx. A shape we cannot read is an unusable answer: for
 * a write that leaves the outcome unknown, hence the unavailable error.
 */
export function parseAnswer<T extends z.ZodType>(
  schema: T,
  data: unknown,
  context: ConnectWiseErrorContext,
): z.output<T> {
  return parseWith(
    schema,
    data,
    (issues) =>
      new ConnectWiseUnavailableError(
        'bad_response',
        200,
        { code: null, messages: [], fieldErrors: [] },
        context,
        `ConnectWise answered in an unexpected format (${issues}).`,
      ),
  );
}

/** Ids go into URLs and conditions: only whole, non-negative numbers pass. */
export function validId(id: number, what: string): number {
  return checkId(id, `ConnectWise ${what}`);
}
