import { z } from 'zod';
import type { ConnectWiseHttp } from './http.ts';
import { listAll } from './paging.ts';
import type { Board, BoardStatus, BoardSubType, BoardValue, CompanyStatus, Member, Priority } from './types.ts';
import { booleanish, intish, optionalInt, optionalString, validId } from './wire.ts';

/**
 * Setup lists a ticket is made from: boards, and per board its statuses (with the closed flag),
 * types, subtypes and items; priorities (global); members; company statuses (a company's only
 * "inactive" marker). Names are neither unique nor stable:
 * store ids, show names (docs/connectwise.md, Service tickets, "Setup lists"). Inactive values are
 * included, so a stored id can still be named.
 */

const boardWire = z
  .object({ id: intish, name: z.string(), inactiveFlag: booleanish(false) })
  .transform((b): Board => ({ id: b.id, name: b.name, inactive: b.inactiveFlag }));

const statusWire = z
  .object({
    id: intish,
    name: z.string(),
    closedStatus: booleanish(false),
    inactive: booleanish(false),
    defaultFlag: booleanish(false),
    sortOrder: optionalInt,
    timeEntryNotAllowed: booleanish(false),
  })
  .transform((s): BoardStatus => ({
    id: s.id,
    name: s.name,
    closed: s.closedStatus,
    inactive: s.inactive,
    isDefault: s.defaultFlag,
    sortOrder: s.sortOrder,
    timeEntryNotAllowed: s.timeEntryNotAllowed,
  }));

const priorityWire = z
  .object({ id: intish, name: z.string(), defaultFlag: booleanish(false), sortOrder: optionalInt })
  .transform((p): Priority => ({ id: p.id, name: p.name, isDefault: p.defaultFlag, sortOrder: p.sortOrder }));

const boardValueWire = z
  .object({ id: intish, name: z.string(), inactiveFlag: booleanish(false) })
  .transform((v): BoardValue => ({ id: v.id, name: v.name, inactive: v.inactiveFlag }));

const subTypeWire = z
  .object({
    id: intish,
    name: z.string(),
    inactiveFlag: booleanish(false),
    typeAssociationIds: z.array(intish).nullish(),
  })
  .transform((s): BoardSubType => ({
    id: s.id,
    name: s.name,
    inactive: s.inactiveFlag,
    typeIds: s.typeAssociationIds ?? [],
  }));

const companyStatusWire = z
  .object({ id: intish, name: z.string(), inactiveFlag: booleanish(false) })
  .transform((s): CompanyStatus => ({ id: s.id, name: s.name, inactive: s.inactiveFlag }));

const memberWire = z
  .object({
    id: intish,
    identifier: z.string(),
    firstName: optionalString,
    lastName: optionalString,
    inactiveFlag: booleanish(false),
  })
  .transform((m): Member => ({
    id: m.id,
    identifier: m.identifier,
    firstName: m.firstName,
    lastName: m.lastName,
    inactive: m.inactiveFlag,
  }));

const boardPath = (boardId: number, list: string) => `service/boards/${validId(boardId, 'board')}/${list}`;

export function listBoards(http: ConnectWiseHttp): Promise<Board[]> {
  return listAll(http, {
    operation: 'lists.boards',
    path: 'service/boards',
    orderBy: 'name asc',
    fields: ['id', 'name', 'inactiveFlag'],
    item: boardWire,
  });
}

/** A board's statuses, in the board's order; `closed` marks those that close a ticket. */
export function listBoardStatuses(http: ConnectWiseHttp, boardId: number): Promise<BoardStatus[]> {
  return listAll(http, {
    operation: 'lists.boardStatuses',
    path: boardPath(boardId, 'statuses'),
    orderBy: 'sortOrder asc',
    fields: ['id', 'name', 'closedStatus', 'inactive', 'defaultFlag', 'sortOrder', 'timeEntryNotAllowed'],
    item: statusWire,
  });
}

export function listPriorities(http: ConnectWiseHttp): Promise<Priority[]> {
  return listAll(http, {
    operation: 'lists.priorities',
    path: 'service/priorities',
    orderBy: 'sortOrder asc',
    fields: ['id', 'name', 'defaultFlag', 'sortOrder'],
    item: priorityWire,
  });
}

export function listBoardTypes(http: ConnectWiseHttp, boardId: number): Promise<BoardValue[]> {
  return listAll(http, {
    operation: 'lists.boardTypes',
    path: boardPath(boardId, 'types'),
    orderBy: 'name asc',
    fields: ['id', 'name', 'inactiveFlag'],
    item: boardValueWire,
  });
}

export function listBoardSubTypes(http: ConnectWiseHttp, boardId: number): Promise<BoardSubType[]> {
  return listAll(http, {
    operation: 'lists.boardSubTypes',
    path: boardPath(boardId, 'subtypes'),
    orderBy: 'name asc',
    fields: ['id', 'name', 'inactiveFlag', 'typeAssociationIds'],
    item: subTypeWire,
  });
}

export function listBoardItems(http: ConnectWiseHttp, boardId: number): Promise<BoardValue[]> {
  return listAll(http, {
    operation: 'lists.boardItems',
    path: boardPath(boardId, 'items'),
    orderBy: 'name asc',
    fields: ['id', 'name', 'inactiveFlag'],
    item: boardValueWire,
  });
}

export function listMembers(http: ConnectWiseHttp): Promise<Member[]> {
  return listAll(http, {
    operation: 'lists.members',
    path: 'system/members',
    orderBy: 'identifier asc',
    fields: ['id', 'identifier', 'firstName', 'lastName', 'inactiveFlag'],
    item: memberWire,
  });
}

/** Company statuses; `inactive` marks those whose companies count as inactive (docs/connectwise.md, Companies). */
export function listCompanyStatuses(http: ConnectWiseHttp): Promise<CompanyStatus[]> {
  return listAll(http, {
    operation: 'lists.companyStatuses',
    path: 'company/companies/statuses',
    orderBy: 'name asc',
    fields: ['id', 'name', 'inactiveFlag'],
    item: companyStatusWire,
  });
}
