import { z } from 'zod';
import { AutotaskUnavailableError } from './errors.ts';
import type { AutotaskHttp } from './http.ts';
import { countEnvelope, itemsEnvelope, parseAnswer } from './wire.ts';

/**
 * Queries: filter builders, `POST {Entity}/query` with paging, `in` batching and counts.
 *
 * Queries are always POSTed (long `in` lists do not fit a URL). Paging follows
 * `pageDetails.nextPageUrl` by POSTing the same body to it (a GET there answers 405) until it is
 * null. `in` lists are cut into batches of 500, Autotask's cap on OR conditions per query.
 * The Autotask side of all this: docs/autotask.md, Queries and filters, and Paging.
 */

type FilterValue = string | number | boolean | readonly (string | number)[];

export type Filter =
  | {
      readonly op:
        'eq' | 'noteq' | 'gt' | 'gte' | 'lt' | 'lte' | 'beginsWith' | 'endsWith' | 'contains' | 'in' | 'notIn';
      readonly field: string;
      readonly value: FilterValue;
      readonly udf?: boolean;
    }
  | { readonly op: 'exist' | 'notExist'; readonly field: string; readonly udf?: boolean }
  | { readonly op: 'and' | 'or'; readonly items: readonly Filter[] };

export const filter = {
  eq: (field: string, value: string | number | boolean): Filter => ({ op: 'eq', field, value }),
  noteq: (field: string, value: string | number | boolean): Filter => ({ op: 'noteq', field, value }),
  contains: (field: string, value: string): Filter => ({ op: 'contains', field, value }),
  in: (field: string, values: readonly (string | number)[]): Filter => ({ op: 'in', field, value: values }),
  exist: (field: string): Filter => ({ op: 'exist', field }),
  and: (...items: Filter[]): Filter => ({ op: 'and', items }),
  or: (...items: Filter[]): Filter => ({ op: 'or', items }),
};

/** The body of `POST {Entity}/query`, as Autotask spells it. */
interface QueryBody {
  readonly filter: readonly Filter[];
  readonly IncludeFields?: readonly string[];
  readonly MaxRecords?: number;
}

/** Autotask's page size and its cap on values in one `in`. */
export const MAX_PAGE_SIZE = 500;
const MAX_IN_VALUES = 500;
/** A guard against a server that keeps handing out page links. */
const MAX_PAGES = 1000;

interface QueryOptions<T> {
  readonly operation: string;
  /** Entity collection, e.g. `Companies`, `TicketNotes`. */
  readonly entity: string;
  readonly body: QueryBody;
  /** Maps one raw item; throws (via zod) on a malformed item. */
  readonly item: z.ZodType<T>;
  /** Stop once this many items are in. */
  readonly maxItems?: number;
}

/** Runs a query and follows its pages; returns the items in Autotask's order. */
export async function queryAll<T>(http: AutotaskHttp, options: QueryOptions<T>): Promise<T[]> {
  const out: T[] = [];
  const seenPages = new Set<string>();
  let path = `${options.entity}/query`;
  for (let page = 1; ; page++) {
    const data = await http.send({
      operation: options.operation,
      method: 'POST',
      path,
      body: options.body,
      read: true,
    });
    const context = { operation: options.operation, method: 'POST', path, read: true };
    const envelope = parseAnswer(itemsEnvelope, data, context);
    for (const raw of envelope.items) {
      out.push(parseAnswer(options.item, raw, context));
      if (options.maxItems !== undefined && out.length >= options.maxItems) return out;
    }
    const next = envelope.pageDetails?.nextPageUrl;
    if (!next) return out;
    if (seenPages.has(next) || page >= MAX_PAGES) {
      throw new AutotaskUnavailableError(
        'bad_response',
        200,
        [],
        context,
        'Autotask kept sending page links that repeat; the query was stopped.',
      );
    }
    seenPages.add(next);
    path = next;
  }
}

/** `POST {Entity}/query/count`: how many records match. */
export async function queryCount(
  http: AutotaskHttp,
  operation: string,
  entity: string,
  filters: readonly Filter[],
): Promise<number> {
  const path = `${entity}/query/count`;
  const data = await http.send({ operation, method: 'POST', path, body: { filter: filters }, read: true });
  return parseAnswer(countEnvelope, data, { operation, method: 'POST', path, read: true }).queryCount;
}

/** Splits values into chunks of at most `size`. */
export function chunk<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

/**
 * Records whose `field` is one of `values`: one query per 500 values, run side by side (the thread
 * limit keeps it to 3 at a time), each followed through its pages. Duplicate values are sent once.
 */
export async function queryByValues<T, V extends string | number>(
  http: AutotaskHttp,
  options: Omit<QueryOptions<T>, 'body' | 'maxItems'> & { readonly field: string; readonly values: readonly V[] },
): Promise<T[]> {
  const unique = [...new Set(options.values)];
  if (unique.length === 0) return [];
  const batches = chunk(unique, MAX_IN_VALUES);
  const results = await Promise.all(
    batches.map((values) =>
      queryAll(http, {
        operation: options.operation,
        entity: options.entity,
        item: options.item,
        body: { filter: [filter.in(options.field, values)] },
      }),
    ),
  );
  return results.flat();
}
