/**
 * Routing of `/{codebase}/apis/3.0/...` by hand, so the simulator decides exactly what is a 404. Path segments are
 * matched without regard to letter case (ASP.NET routes that way; assumed, docs/connectwise.md). Every route has a
 * resource name, under which requests are logged and faults matched.
 */

export type ApiAction = 'collection' | 'count' | 'item';

export type ApiRoute =
  | { kind: 'systemInfo'; resource: 'system/info' }
  | { kind: 'resource'; resource: string; action: ApiAction; id: number | null; parentId: number | null }
  | { kind: 'unknown'; resource: null };

/** Top-level collections: `/{a}/{b}`, `/{a}/{b}/count`, `/{a}/{b}/{id}`. */
export const TOP_RESOURCES = [
  'company/companies',
  'company/contacts',
  'system/members',
  'service/boards',
  'service/priorities',
  'service/tickets',
  'system/mysecurity',
  'time/entries',
] as const;

/** Children: `/{parent}/{parentId}/{child}`, with count and item. */
const CHILD_RESOURCES: Record<string, readonly string[]> = {
  'service/boards': ['statuses', 'types', 'subtypes', 'items'],
  'service/tickets': ['notes'],
};

const UNKNOWN: ApiRoute = { kind: 'unknown', resource: null };
const MAX_INT32 = 2_147_483_647;

/** `rest` is the path after `/apis/3.0/`, without the query string. */
export function classify(rest: string): ApiRoute {
  const segments = rest.split('/');
  if (segments.length > 1 && segments.at(-1) === '') segments.pop();
  if (segments.some((s) => s === '')) return UNKNOWN;
  const lower = segments.map((s) => safeDecode(s).toLowerCase());
  const [a, b, third, fourth, fifth, ...extra] = lower;
  if (a === undefined || b === undefined || extra.length > 0) return UNKNOWN;
  if (a === 'system' && b === 'info' && third === undefined) return { kind: 'systemInfo', resource: 'system/info' };
  const top = `${a}/${b}`;
  if (!(TOP_RESOURCES as readonly string[]).includes(top)) return UNKNOWN;
  // `company/companies/statuses` is a collection of its own, not company "statuses".
  if (top === 'company/companies' && third === 'statuses') {
    return tailRoute('company/companies/statuses', null, fourth, fifth) ?? UNKNOWN;
  }
  const tail = tailRoute(top, null, third, fourth);
  if (tail) return fifth === undefined ? tail : UNKNOWN;
  const parentId = toId(third);
  const children = CHILD_RESOURCES[top] ?? [];
  if (parentId === null || fourth === undefined || !children.includes(fourth)) return UNKNOWN;
  return tailRoute(`${top}/${fourth}`, parentId, fifth, undefined) ?? UNKNOWN;
}

function tailRoute(resource: string, parentId: number | null, first: string | undefined, second: string | undefined) {
  if (second !== undefined) return null;
  if (first === undefined) return route(resource, 'collection', null, parentId);
  if (first === 'count') return route(resource, 'count', null, parentId);
  const id = toId(first);
  return id === null ? null : route(resource, 'item', id, parentId);
}

function route(resource: string, action: ApiAction, id: number | null, parentId: number | null): ApiRoute {
  return { kind: 'resource', resource, action, id, parentId };
}

function toId(segment: string | undefined): number | null {
  if (segment === undefined || !/^\d{1,10}$/.test(segment)) return null;
  const id = Number(segment);
  return id <= MAX_INT32 ? id : null;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
