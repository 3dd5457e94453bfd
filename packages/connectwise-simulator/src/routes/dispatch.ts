/**
 * Which handler answers a classified route. Everything is read-only except creating tickets and notes and patching
 * tickets; another method on a known path is a 405.
 */
import type { ApiContext, ApiResult } from '../api-context.ts';
import { forbidden, methodNotAllowed, noRoute, notFound } from '../errors.ts';
import { MY_SECURITY, mySecurity } from '../my-security.ts';
import type { ApiRoute } from '../paths.ts';
import { countResult, listResult, oneResult } from '../query.ts';
import { NOTE, TICKET, TIME_ENTRY } from '../resources-service.ts';
import {
  BOARD,
  BOARD_ITEM,
  BOARD_STATUS,
  BOARD_SUBTYPE,
  BOARD_TYPE,
  COMPANY,
  COMPANY_STATUS,
  CONTACT,
  MEMBER,
  PRIORITY,
} from '../resources-setup.ts';
import type { ResourceDef } from '../wire.ts';
import { createNote, createTicket, patchTicket } from './tickets.ts';

type ResourceRoute = Extract<ApiRoute, { kind: 'resource' }>;

export function dispatch(ctx: ApiContext): ApiResult {
  const { route } = ctx;
  if (route.kind === 'unknown') throw noRoute(ctx.url.pathname);
  if (route.kind === 'systemInfo') {
    onlyGet(ctx);
    return { body: systemInfo(ctx) };
  }
  const { state } = ctx;
  switch (route.resource) {
    case 'company/companies':
      return readOnly(ctx, route, COMPANY, state.companies);
    case 'company/contacts':
      return readOnly(ctx, route, CONTACT, state.contacts);
    case 'system/members':
      return readOnly(ctx, route, MEMBER, state.members);
    case 'service/boards':
      return readOnly(ctx, route, BOARD, state.boards);
    case 'service/priorities':
      return readOnly(ctx, route, PRIORITY, state.priorities);
    case 'service/boards/statuses':
      return readOnly(
        ctx,
        route,
        BOARD_STATUS,
        state.statuses.filter((s) => s.boardId === board(ctx, route)),
      );
    case 'service/boards/types':
      return readOnly(
        ctx,
        route,
        BOARD_TYPE,
        state.types.filter((t) => t.boardId === board(ctx, route)),
      );
    case 'service/boards/subtypes':
      return readOnly(
        ctx,
        route,
        BOARD_SUBTYPE,
        state.subTypes.filter((s) => s.boardId === board(ctx, route)),
      );
    case 'service/boards/items':
      return readOnly(
        ctx,
        route,
        BOARD_ITEM,
        state.items.filter((i) => i.boardId === board(ctx, route)),
      );
    case 'company/companies/statuses':
      return readOnly(ctx, route, COMPANY_STATUS, state.companyStatuses);
    case 'system/mysecurity':
      return readOnly(ctx, route, MY_SECURITY, mySecurity(state));
    case 'time/entries':
      if (state.settings.timeEntryInquireLevel === 'None') throw forbidden();
      return readOnly(ctx, route, TIME_ENTRY, state.visibleTimeEntries());
    case 'service/tickets':
      return tickets(ctx, route);
    case 'service/tickets/notes':
      return notes(ctx, route);
    default:
      throw noRoute(ctx.url.pathname);
  }
}

function tickets(ctx: ApiContext, route: ResourceRoute): ApiResult {
  if (route.action === 'collection' && ctx.method === 'POST') return createTicket(ctx);
  if (route.action === 'item' && ctx.method === 'PATCH') return patchTicket(ctx, route.id ?? 0);
  return readOnly(ctx, route, TICKET, ctx.state.tickets);
}

function notes(ctx: ApiContext, route: ResourceRoute): ApiResult {
  const ticketId = route.parentId ?? 0;
  if (!ctx.state.ticket(ticketId)) throw notFound('Ticket', ticketId);
  if (route.action === 'collection' && ctx.method === 'POST') return createNote(ctx, ticketId);
  return readOnly(
    ctx,
    route,
    NOTE,
    ctx.state.notes.filter((n) => n.ticketId === ticketId),
  );
}

function readOnly<T extends { id: number }>(
  ctx: ApiContext,
  route: ResourceRoute,
  def: ResourceDef<T>,
  records: readonly T[],
): ApiResult {
  onlyGet(ctx);
  if (route.action === 'collection') return listResult(ctx, def, records);
  if (route.action === 'count') return countResult(ctx, def, records);
  const id = route.id ?? 0;
  return oneResult(
    ctx,
    def,
    records.find((r) => r.id === id),
    id,
  );
}

function onlyGet(ctx: ApiContext): void {
  if (ctx.method !== 'GET') throw methodNotAllowed(ctx.method);
}

/** The parent board of a child route; 404 when there is none. */
function board(ctx: ApiContext, route: ResourceRoute): number {
  const id = route.parentId ?? 0;
  if (!ctx.state.board(id)) throw notFound('Board', id);
  return id;
}

/** `GET system/info` (ConnectWise's `Info` schema): what a client calls to check its connection. */
function systemInfo(ctx: ApiContext) {
  return {
    version: `v${ctx.state.settings.apiVersion}.10500`,
    isCloud: true,
    serverTimeZone: 'Eastern Standard Time',
    licenseBits: [
      { name: 'Service', activeFlag: true },
      { name: 'Time', activeFlag: true },
    ],
    cloudRegion: 'NA',
  };
}
