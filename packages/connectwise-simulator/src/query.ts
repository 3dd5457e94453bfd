/**
 * Lists, counts and single records with ConnectWise's query parameters (docs/connectwise.md, Conditions and other
 * query parameters; Paging and counts):
 *
 * - `conditions` (conditions.ts); `orderBy=summary desc, id asc` (default: id ascending)
 * - `fields=id,summary,company/name`: only those, nested ones kept nested
 * - `page` (from 1) and `pageSize` (default 25, at most 1,000), with a `Link` header of `<url>; rel="…"` entries
 *   whose URLs keep the request's other parameters and end in `page=N`; none when everything fits on one page. The
 *   order puts `prev`, `first` before `next`, `last`, so a middle page ends with `rel="last"` and the last page with
 *   `rel="first"`, which is what one client tests for (docs/connectwise.md, Paging and counts; the order itself is
 *   assumed)
 * - the `pagination-type: forward-only` header: pages of ascending id after `pageId`, with only a `rel="next"` link
 * - `…/count`: `{"count": n}` with the same conditions
 *
 * Assumed (no public page says): a pageSize above 1,000 is lowered to 1,000 rather than refused; a page or pageSize
 * below 1, or not a whole number, is a 400; an unknown field in `orderBy` or `fields` is a 400, as in `conditions`.
 */
import { param, type ApiContext, type ApiResult } from './api-context.ts';
import { ConditionsError } from './conditions.ts';
import { compileConditions, fieldDef, fieldName, type FieldMap, type RecordFilter } from './conditions-eval.ts';
import { badQuery, notFound } from './errors.ts';
import type { ResourceDef, WireRecord } from './wire.ts';

export function listResult<T extends { id: number }>(
  ctx: ApiContext,
  def: ResourceDef<T>,
  records: readonly T[],
): ApiResult {
  const fields = def.fields(ctx.state);
  const matching = records.filter(filterFor(ctx, def, fields));
  const projection = projectionFor(ctx, def, fields);
  const forwardOnly = (ctx.headers['pagination-type'] ?? '').toString().toLowerCase() === 'forward-only';
  const page = forwardOnly ? forwardOnlyPage(ctx, def, matching) : navigablePage(ctx, def, fields, matching);
  return {
    body: page.items.map((r) => projection(def.wire(r, ctx))),
    ...(page.link ? { headers: { Link: page.link } } : {}),
  };
}

export function countResult<T>(ctx: ApiContext, def: ResourceDef<T>, records: readonly T[]): ApiResult {
  const matching = records.filter(filterFor(ctx, def, def.fields(ctx.state)));
  return { body: { count: matching.length } };
}

export function oneResult<T>(ctx: ApiContext, def: ResourceDef<T>, record: T | undefined, id: number): ApiResult {
  if (record === undefined) throw notFound(def.label, id);
  const projection = projectionFor(ctx, def, def.fields(ctx.state));
  return { body: projection(def.wire(record, ctx)) };
}

function filterFor<T>(ctx: ApiContext, def: ResourceDef<T>, fields: FieldMap<T>): RecordFilter<T> {
  const text = param(ctx.params, 'conditions')?.trim() ?? '';
  if (text === '') return () => true;
  try {
    return compileConditions(text, fields);
  } catch (error) {
    if (error instanceof ConditionsError) throw badQuery(def.resource, error.field ?? 'conditions', error.message);
    throw error;
  }
}

interface Page<T> {
  items: T[];
  link: string | null;
}

function navigablePage<T extends { id: number }>(
  ctx: ApiContext,
  def: ResourceDef<T>,
  fields: FieldMap<T>,
  records: T[],
): Page<T> {
  const sorted = [...records].sort(comparatorFor(def, fields, param(ctx.params, 'orderBy')));
  const size = pageSize(ctx, def);
  const page = positiveInt(def, 'page', param(ctx.params, 'page')) ?? 1;
  const items = sorted.slice((page - 1) * size, page * size);
  const last = Math.max(1, Math.ceil(sorted.length / size));
  const links: string[] = [];
  if (page > 1) links.push(linkTo(ctx, 'page', Math.min(page - 1, last), 'prev'), linkTo(ctx, 'page', 1, 'first'));
  if (page < last) links.push(linkTo(ctx, 'page', page + 1, 'next'), linkTo(ctx, 'page', last, 'last'));
  return { items, link: links.length > 0 ? links.join(', ') : null };
}

function forwardOnlyPage<T extends { id: number }>(ctx: ApiContext, def: ResourceDef<T>, records: T[]): Page<T> {
  const after = nonNegativeInt(def, 'pageId', param(ctx.params, 'pageId')) ?? 0;
  const rest = records.filter((r) => r.id > after).sort((a, b) => a.id - b.id);
  const size = pageSize(ctx, def);
  const items = rest.slice(0, size);
  const lastId = items.at(-1)?.id;
  const link = rest.length > size && lastId !== undefined ? linkTo(ctx, 'pageId', lastId, 'next') : null;
  return { items, link };
}

function pageSize<T>(ctx: ApiContext, def: ResourceDef<T>): number {
  const asked = positiveInt(def, 'pageSize', param(ctx.params, 'pageSize')) ?? ctx.state.settings.defaultPageSize;
  return Math.min(asked, ctx.state.settings.maxPageSize);
}

function linkTo(ctx: ApiContext, name: 'page' | 'pageId', value: number, rel: string): string {
  const params = new URLSearchParams();
  for (const [key, v] of ctx.params) if (key.toLowerCase() !== name.toLowerCase()) params.append(key, v);
  params.append(name, String(value));
  return `<${ctx.url.origin}${ctx.url.pathname}?${params.toString()}>; rel="${rel}"`;
}

function positiveInt<T>(def: ResourceDef<T>, name: string, value: string | undefined): number | undefined {
  const n = nonNegativeInt(def, name, value);
  if (n === 0) throw badQuery(def.resource, name, `${name} must be 1 or more.`);
  return n;
}

function nonNegativeInt<T>(def: ResourceDef<T>, name: string, value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (!/^\d{1,9}$/.test(value.trim())) throw badQuery(def.resource, name, `${name} must be a whole number.`);
  return Number(value.trim());
}

/** `orderBy=a/b desc, c` → a comparator; ties and the default fall back to id ascending. */
function comparatorFor<T extends { id: number }>(
  def: ResourceDef<T>,
  fields: FieldMap<T>,
  orderBy: string | undefined,
): (a: T, b: T) => number {
  const keys = (orderBy ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const match = /^([A-Za-z_][A-Za-z0-9_/]*)(?:\s+(asc|desc))?$/i.exec(part);
      const field = match?.[1] ?? part;
      const found = match ? fieldDef(fields, field) : undefined;
      if (!found || found.type === 'reference') throw badQuery(def.resource, field, `Cannot order by '${part}'.`);
      return { get: found.get, sign: match?.[2]?.toLowerCase() === 'desc' ? -1 : 1 };
    });
  return (a, b) => {
    for (const key of keys) {
      const order = compareValues(key.get(a), key.get(b));
      if (order !== 0) return order * key.sign;
    }
    return a.id - b.id;
  };
}

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  return text(a).localeCompare(text(b), 'en', { sensitivity: 'base' });
}

/** `fields=id,company/name` keeps those paths (named in any letter case); without it the whole record. */
function projectionFor<T>(ctx: ApiContext, def: ResourceDef<T>, fields: FieldMap<T>): (r: WireRecord) => WireRecord {
  const text = param(ctx.params, 'fields')?.trim() ?? '';
  if (text === '') return (r) => r;
  const paths = text.split(',').map((p) => {
    const path = p.trim();
    if (path.toLowerCase() === '_info') return '_info';
    const reference = fieldName(fields, `${path}/id`);
    const array = def.arrayFields?.find((f) => f.toLowerCase() === path.toLowerCase());
    const name = fieldName(fields, path) ?? reference?.slice(0, -'/id'.length) ?? array;
    if (name === undefined) throw badQuery(def.resource, path, `Unknown field '${path}' in fields.`);
    return name;
  });
  return (record) => {
    const out: WireRecord = {};
    for (const path of paths) copyPath(record, out, path.split('/'));
    return out;
  };
}

function copyPath(from: WireRecord, to: WireRecord, segments: string[]): void {
  const [head, ...rest] = segments;
  if (head === undefined || !Object.hasOwn(from, head)) return;
  const value = from[head];
  if (rest.length === 0) {
    to[head] = value;
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const target = (typeof to[head] === 'object' && to[head] !== null ? to[head] : {}) as WireRecord;
  copyPath(value as WireRecord, target, rest);
  if (Object.keys(target).length > 0) to[head] = target;
}
