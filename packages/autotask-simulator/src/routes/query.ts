/**
 * Reads (docs/autotask.md, Entity URLs; Queries and filters): GET by id → `{item}` (`{"item":null}`
 * with 200 when missing); query by GET `?search=` or POST body → `{items, pageDetails}`;
 * `query/count` → `{queryCount}`; `query/next` follows a page link. Results are in ascending id
 * order.
 */
import type { ApiContext, ApiResult } from '../api-context.ts';
import { queryParam } from '../case-insensitive.ts';
import type { EntityDescriptor } from '../entities.ts';
import { invalid, methodNotAllowed } from '../errors.ts';
import { compileFilter } from '../filters.ts';
import { FIRST_PAGE, decodePaging, pageLinks, takePage, type PagingToken } from '../paging.ts';
import { MAX_RECORDS, parseQuery, project, type ParsedQuery } from '../query.ts';

export function getById(ctx: ApiContext, entity: EntityDescriptor, id: number): ApiResult {
  const record = (ctx.state.visibleRecords(entity.name, ctx.user) as readonly { id: number }[]).find(
    (r) => r.id === id,
  );
  return { body: { item: record ? project(entity, record, null) : null } };
}

export function query(ctx: ApiContext, entity: EntityDescriptor): ApiResult {
  const { body, search } = querySource(ctx);
  const parsed = parseQuery(entity, body);
  return page(ctx, entity, parsed, { pageSize: parsed.maxRecords, previousIds: [], nextIds: [FIRST_PAGE] }, search);
}

export function count(ctx: ApiContext, entity: EntityDescriptor): ApiResult {
  const { body } = querySource(ctx);
  const parsed = parseQuery(entity, body);
  return { body: { queryCount: matching(ctx, entity, parsed).length } };
}

/**
 * `query/next`: GET works only for GET-originated links (they carry `search`); a POST-originated
 * link must be POSTed with the original body, and a GET there is a 405.
 */
export function next(ctx: ApiContext, entity: EntityDescriptor): ApiResult {
  const search = queryParam(ctx.params, 'search');
  if (ctx.method === 'GET' && search === undefined) throw methodNotAllowed('GET');
  const paging = queryParam(ctx.params, 'paging');
  if (paging === undefined) throw invalid('The paging parameter is required.');
  const token = decodePaging(paging);
  const fromBody = ctx.method === 'POST' && ctx.body !== undefined;
  const body = fromBody ? ctx.body : parseSearch(search ?? '');
  const parsed = parseQuery(entity, body);
  return page(ctx, entity, parsed, token, fromBody ? undefined : search);
}

function querySource(ctx: ApiContext): { body: unknown; search: string | undefined } {
  if (ctx.method === 'GET') {
    const search = queryParam(ctx.params, 'search');
    if (search === undefined) throw invalid('The search parameter is required.');
    return { body: parseSearch(search), search };
  }
  return { body: ctx.body, search: undefined };
}

export function parseSearch(search: string): unknown {
  try {
    return JSON.parse(search);
  } catch {
    throw invalid('The search parameter is not valid JSON.');
  }
}

function matching(ctx: ApiContext, entity: EntityDescriptor, parsed: ParsedQuery): { id: number }[] {
  const predicate = compileFilter(entity, parsed.filter);
  return (ctx.state.visibleRecords(entity.name, ctx.user) as readonly { id: number }[]).filter(predicate);
}

function page(
  ctx: ApiContext,
  entity: EntityDescriptor,
  parsed: ParsedQuery,
  token: PagingToken,
  search: string | undefined,
): ApiResult {
  const records = matching(ctx, entity, parsed);
  // Autotask's advanced-query documentation: with more than 500 results, IncludeFields must include id.
  if (parsed.includeFields && !parsed.includeFields.includes('id') && records.length > MAX_RECORDS) {
    throw invalid('IncludeFields must include id when a query returns more than 500 records.');
  }
  const cursor = token.nextIds[0] ?? FIRST_PAGE;
  const { items, hasMore } = takePage(records, cursor, token.pageSize);
  const links = pageLinks({
    entityBase: `${ctx.origin}/ATServicesRest/V1.0/${entity.name}`,
    token,
    lastId: items.at(-1)?.id,
    hasMore,
    search,
  });
  return {
    body: {
      items: items.map((r) => project(entity, r, parsed.includeFields)),
      pageDetails: {
        count: items.length,
        requestCount: token.pageSize,
        prevPageUrl: links.prevPageUrl,
        nextPageUrl: links.nextPageUrl,
      },
    },
  };
}
