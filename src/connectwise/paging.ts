import type { z } from 'zod';
import { cond, render, type Condition } from './conditions.ts';
import { ConnectWiseUnavailableError } from './errors.ts';
import type { ConnectWiseHttp } from './http.ts';
import { countEnvelope, listEnvelope, parseAnswer } from './wire.ts';

/**
 * Lists: `page`/`pageSize` paging, `fields=` to keep answers small, counts, and reading many records
 * by id in batches (docs/connectwise.md, Paging and counts).
 *
 * A list answer is a bare array. There is a next page when the `Link` header names one (`rel="next"`);
 * without a `Link` header (some endpoints send none), when the page came back full. Pages are asked
 * for by number, never by following the header's URL: the credentials only ever go to the
 * configured API root.
 */

/** ConnectWise's hard cap on one page. */
export const MAX_PAGE_SIZE = 1000;
/**
 * Ids per `id in (…)` request. Conditions travel in the URL, and URLs are kept under about 2,000
 * characters (docs/connectwise.md, Conditions): 200 seven-digit ids are about 1,600.
 */
export const IDS_PER_REQUEST = 200;
/** A guard against a server that never ends a list. */
const MAX_PAGES = 1000;

export interface ListOptions<T> {
  readonly operation: string;
  /** Relative to the API root, e.g. `company/companies`. */
  readonly path: string;
  readonly conditions?: Condition | null;
  readonly orderBy?: string;
  /** Sent as `fields=`: the fields `item` reads. */
  readonly fields: readonly string[];
  /** Maps one raw item; throws (via zod) on a malformed item. */
  readonly item: z.ZodType<T>;
  /** Default `MAX_PAGE_SIZE`. */
  readonly pageSize?: number;
  /** Stop once this many items are in. */
  readonly maxItems?: number;
}

/** Reads every page of a list; returns the items in ConnectWise's order. */
export async function listAll<T>(http: ConnectWiseHttp, options: ListOptions<T>): Promise<T[]> {
  const pageSize = Math.min(Math.max(1, Math.trunc(options.pageSize ?? MAX_PAGE_SIZE)), MAX_PAGE_SIZE);
  const context = { operation: options.operation, method: 'GET', path: options.path, read: true };
  const out: T[] = [];
  for (let page = 1; ; page++) {
    const answer = await http.send({
      operation: options.operation,
      method: 'GET',
      path: options.path,
      query: {
        conditions: render(options.conditions),
        orderBy: options.orderBy,
        fields: options.fields.join(','),
        page,
        pageSize,
      },
      read: true,
    });
    const items = parseAnswer(listEnvelope, answer.data, context);
    for (const raw of items) {
      out.push(parseAnswer(options.item, raw, context));
      if (options.maxItems !== undefined && out.length >= options.maxItems) return out;
    }
    if (!hasNextPage(answer.link, items.length, pageSize)) return out;
    if (page >= MAX_PAGES) {
      throw new ConnectWiseUnavailableError(
        'bad_response',
        200,
        { code: null, messages: [], fieldErrors: [] },
        context,
        `ConnectWise kept sending pages after ${MAX_PAGES}; the list was stopped.`,
      );
    }
  }
}

/** Whether another page follows: the `Link` header decides when there is one, else a full page. */
export function hasNextPage(link: string | undefined, itemCount: number, pageSize: number): boolean {
  if (itemCount === 0) return false;
  if (link !== undefined && link.trim() !== '') return linkRelations(link).has('next');
  return itemCount >= pageSize;
}

/** The `rel` values of a `Link` header: `<…>; rel="next", <…>; rel="last"` → {next, last}. */
export function linkRelations(link: string): Set<string> {
  const rels = new Set<string>();
  for (const match of link.matchAll(/;\s*rel\s*=\s*"?([^";,]+)"?/gi)) {
    for (const rel of match[1]!.trim().split(/\s+/)) rels.add(rel.toLowerCase());
  }
  return rels;
}

/** `GET {path}/count` with the same conditions: how many records match. */
export async function countOf(
  http: ConnectWiseHttp,
  operation: string,
  path: string,
  conditions: Condition | null,
): Promise<number> {
  const countPath = `${path}/count`;
  const answer = await http.send({
    operation,
    method: 'GET',
    path: countPath,
    query: { conditions: render(conditions) },
    read: true,
  });
  return parseAnswer(countEnvelope, answer.data, { operation, method: 'GET', path: countPath, read: true }).count;
}

/**
 * Records whose `id` is one of `ids`: one `id in (…)` list per `IDS_PER_REQUEST` ids, one after
 * another (no concurrency limit is documented, so none is assumed), each read through its pages.
 * Duplicate ids are asked for once; ids ConnectWise does not return are absent.
 */
export async function listByIds<T>(
  http: ConnectWiseHttp,
  options: Omit<ListOptions<T>, 'conditions' | 'maxItems' | 'pageSize'> & { readonly ids: readonly number[] },
): Promise<T[]> {
  const unique = [...new Set(options.ids)];
  const out: T[] = [];
  for (let i = 0; i < unique.length; i += IDS_PER_REQUEST) {
    const batch = unique.slice(i, i + IDS_PER_REQUEST);
    out.push(...(await listAll(http, { ...options, conditions: cond.in('id', batch) })));
  }
  return out;
}
