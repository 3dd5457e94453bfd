/**
 * Paging (docs/autotask.md, Paging). `nextPageUrl` is an absolute URL to `{Entity}/query/next` with
 * a `paging` token shaped like the one a public client documents (`{"pageSize","previousIds","nextIds"}`);
 * clients must treat it as opaque. Pages are keyset pages over ascending id: `nextIds[0]` is the
 * id after which the page starts, `previousIds` the starts of the pages before it.
 *
 * How the origin is told apart: a GET-originated query carries its `search` in the next URL and is
 * followed with GET; a POST-originated one does not, and must be followed by POSTing the same body.
 * A GET without `search` is answered 405, which is what clients see from Autotask.
 */
import { z } from 'zod';
import { invalid } from './errors.ts';

export interface PagingToken {
  pageSize: number;
  previousIds: number[];
  nextIds: number[];
}

/** Cursor of the first page: every id (0 is the root company) is greater. */
export const FIRST_PAGE = -1;

const tokenSchema = z.object({
  pageSize: z.number().int().min(1),
  previousIds: z.array(z.number().int()),
  nextIds: z.array(z.number().int()).min(1),
});

export function encodePaging(token: PagingToken): string {
  return JSON.stringify(token);
}

export function decodePaging(text: string): PagingToken {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid('The paging parameter is not valid.');
  }
  const parsed = tokenSchema.safeParse(json);
  if (!parsed.success) throw invalid('The paging parameter is not valid.');
  return parsed.data;
}

export interface Page<T> {
  items: T[];
  hasMore: boolean;
}

/** Records after `cursor`, at most `pageSize`; `records` must be sorted by ascending id. */
export function takePage<T extends { id: number }>(records: readonly T[], cursor: number, pageSize: number): Page<T> {
  const start = records.findIndex((r) => r.id > cursor);
  if (start === -1) return { items: [], hasMore: false };
  const items = records.slice(start, start + pageSize);
  return { items, hasMore: start + pageSize < records.length };
}

export interface PageLinks {
  nextPageUrl: string | null;
  prevPageUrl: string | null;
}

export function pageLinks(options: {
  /** `http://host:port/ATServicesRest/V1.0/Tickets` — no trailing slash. */
  entityBase: string;
  token: PagingToken;
  lastId: number | undefined;
  hasMore: boolean;
  /** The original `search` JSON for GET-originated queries; undefined for POST-originated ones. */
  search: string | undefined;
}): PageLinks {
  const { entityBase, token, lastId, hasMore, search } = options;
  const cursor = token.nextIds[0] ?? FIRST_PAGE;
  const url = (t: PagingToken) => {
    const q = `paging=${encodeURIComponent(encodePaging(t))}`;
    return `${entityBase}/query/next?${q}${search === undefined ? '' : `&search=${encodeURIComponent(search)}`}`;
  };
  const nextPageUrl =
    hasMore && lastId !== undefined
      ? url({ pageSize: token.pageSize, previousIds: [...token.previousIds, cursor], nextIds: [lastId] })
      : null;
  const prevCursor = token.previousIds.at(-1);
  const prevPageUrl =
    prevCursor === undefined
      ? null
      : url({ pageSize: token.pageSize, previousIds: token.previousIds.slice(0, -1), nextIds: [prevCursor] });
  return { nextPageUrl, prevPageUrl };
}
