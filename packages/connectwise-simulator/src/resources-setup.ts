/**
 * Companies, contacts, members and the service setup (boards, their statuses, types, subtypes and items, priorities)
 * as the API shows them (ConnectWise's OpenAPI schemas `Company`, `CompanyStatus`, `Contact`, `Member`, `Board`,
 * `BoardStatus`, `BoardType`, `BoardSubType`, `BoardItem`, `Priority`; docs/connectwise.md).
 */
import type {
  Board,
  BoardItem,
  BoardStatus,
  BoardSubType,
  BoardType,
  Company,
  CompanyStatus,
  Contact,
  Member,
  Priority,
} from './types.ts';
import { bool, boardRef, companyRef, date, num, ref, refFields, str, type ResourceDef } from './wire.ts';

export const COMPANY: ResourceDef<Company> = {
  resource: 'company',
  label: 'Company',
  fields: (state) => ({
    id: num((c) => c.id),
    identifier: str((c) => c.identifier),
    name: str((c) => c.name),
    ...refFields('status', (c) => c.statusId, { name: (c) => state.companyStatus(c.statusId)?.name ?? null }),
    city: str((c) => c.city),
    phoneNumber: str((c) => c.phoneNumber),
    deletedFlag: bool((c) => c.deletedFlag),
    dateDeleted: date((c) => c.dateDeleted),
    dateEntered: date((c) => c.dateEntered),
    lastUpdated: date((c) => c.lastUpdated),
  }),
  wire: (c, ctx) => ({
    id: c.id,
    identifier: c.identifier,
    name: c.name,
    status: ref(ctx, 'status', `company/companies/statuses/${c.statusId}`, {
      id: c.statusId,
      name: ctx.state.companyStatus(c.statusId)?.name ?? '',
    }),
    ...(c.city === null ? {} : { city: c.city }),
    ...(c.phoneNumber === null ? {} : { phoneNumber: c.phoneNumber }),
    types: [],
    deletedFlag: c.deletedFlag,
    ...(c.dateDeleted === null ? {} : { dateDeleted: c.dateDeleted, deletedBy: c.deletedBy }),
    leadFlag: false,
    unsubscribeFlag: false,
    isVendorFlag: false,
    _info: { lastUpdated: c.lastUpdated, updatedBy: 'jdoe', dateEntered: c.dateEntered, enteredBy: 'jdoe' },
  }),
};

export const COMPANY_STATUS: ResourceDef<CompanyStatus> = {
  resource: 'companyStatus',
  label: 'CompanyStatus',
  fields: () => ({
    id: num((s) => s.id),
    name: str((s) => s.name),
    defaultFlag: bool((s) => s.defaultFlag),
    inactiveFlag: bool((s) => s.inactiveFlag),
    disallowSavingFlag: bool((s) => s.disallowSavingFlag),
  }),
  wire: (s) => ({
    id: s.id,
    name: s.name,
    defaultFlag: s.defaultFlag,
    inactiveFlag: s.inactiveFlag,
    notifyFlag: false,
    disallowSavingFlag: s.disallowSavingFlag,
    customNoteFlag: false,
    cancelOpenTracksFlag: false,
    _info: { lastUpdated: '2026-01-05T09:00:00Z', updatedBy: 'jdoe' },
  }),
};

export const CONTACT: ResourceDef<Contact> = {
  resource: 'contact',
  label: 'Contact',
  fields: (state) => ({
    id: num((c) => c.id),
    firstName: str((c) => c.firstName),
    lastName: str((c) => c.lastName),
    ...refFields('company', (c) => c.companyId, { name: (c) => state.company(c.companyId)?.name ?? null }),
    inactiveFlag: bool((c) => c.inactiveFlag),
    defaultFlag: bool((c) => c.defaultFlag),
  }),
  wire: (c, ctx) => ({
    id: c.id,
    firstName: c.firstName,
    lastName: c.lastName,
    company: companyRef(ctx, c.companyId),
    inactiveFlag: c.inactiveFlag,
    defaultFlag: c.defaultFlag,
    _info: { lastUpdated: '2026-01-05T09:00:00Z', updatedBy: 'jdoe' },
  }),
};

export const MEMBER: ResourceDef<Member> = {
  resource: 'member',
  label: 'Member',
  fields: () => ({
    id: num((m) => m.id),
    identifier: str((m) => m.identifier),
    firstName: str((m) => m.firstName),
    lastName: str((m) => m.lastName),
    licenseClass: str((m) => m.licenseClass),
    inactiveFlag: bool((m) => m.inactiveFlag),
  }),
  wire: (m) => ({
    id: m.id,
    identifier: m.identifier,
    firstName: m.firstName,
    lastName: m.lastName,
    licenseClass: m.licenseClass,
    inactiveFlag: m.inactiveFlag,
    disableOnlineFlag: m.licenseClass === 'A',
  }),
};

export const BOARD: ResourceDef<Board> = {
  resource: 'board',
  label: 'Board',
  fields: () => ({
    id: num((b) => b.id),
    name: str((b) => b.name),
    inactiveFlag: bool((b) => b.inactiveFlag),
    projectFlag: bool(() => false),
  }),
  wire: (b) => ({
    id: b.id,
    name: b.name,
    location: { id: 2, name: 'Main' },
    department: { id: 10, identifier: 'Services', name: 'Services' },
    inactiveFlag: b.inactiveFlag,
    projectFlag: false,
    _info: { lastUpdated: '2026-01-05T09:00:00Z', updatedBy: 'jdoe' },
  }),
};

export const BOARD_STATUS: ResourceDef<BoardStatus> = {
  resource: 'boardStatus',
  label: 'BoardStatus',
  fields: () => ({
    id: num((s) => s.id),
    name: str((s) => s.name),
    ...refFields('board', (s) => s.boardId),
    sortOrder: num((s) => s.sortOrder),
    displayOnBoard: bool(() => true),
    inactive: bool((s) => s.inactive),
    closedStatus: bool((s) => s.closedStatus),
    timeEntryNotAllowed: bool((s) => s.timeEntryNotAllowed),
    defaultFlag: bool((s) => s.defaultFlag),
  }),
  wire: (s, ctx) => ({
    id: s.id,
    name: s.name,
    board: boardRef(ctx, s.boardId),
    sortOrder: s.sortOrder,
    displayOnBoard: true,
    inactive: s.inactive,
    closedStatus: s.closedStatus,
    timeEntryNotAllowed: s.timeEntryNotAllowed,
    defaultFlag: s.defaultFlag,
    escalationStatus: s.closedStatus ? 'Resolved' : 'NotResponded',
    customerPortalFlag: false,
    _info: { lastUpdated: '2026-01-05T09:00:00Z', updatedBy: 'jdoe' },
  }),
};

export const PRIORITY: ResourceDef<Priority> = {
  resource: 'priority',
  label: 'Priority',
  fields: () => ({
    id: num((p) => p.id),
    name: str((p) => p.name),
    sortOrder: num((p) => p.sortOrder),
    defaultFlag: bool((p) => p.defaultFlag),
    color: str((p) => p.color),
  }),
  wire: (p, ctx) => ({
    id: p.id,
    name: p.name,
    color: p.color,
    sortOrder: p.sortOrder,
    defaultFlag: p.defaultFlag,
    _info: {
      lastUpdated: '2026-01-05T09:00:00Z',
      updatedBy: 'jdoe',
      image_href: `${ctx.apiBase}/service/priorities/${p.id}/image?lm=2026-01-05T09:00:00Z`,
    },
  }),
};

export const BOARD_TYPE: ResourceDef<BoardType> = {
  resource: 'boardType',
  label: 'BoardType',
  fields: () => ({
    id: num((t) => t.id),
    name: str((t) => t.name),
    ...refFields('board', (t) => t.boardId),
    inactiveFlag: bool((t) => t.inactiveFlag),
    defaultFlag: bool((t) => t.defaultFlag),
    category: str(() => 'Reactive'),
  }),
  wire: (t, ctx) => ({
    id: t.id,
    name: t.name,
    category: 'Reactive',
    defaultFlag: t.defaultFlag,
    inactiveFlag: t.inactiveFlag,
    requestForChangeFlag: false,
    board: boardRef(ctx, t.boardId),
    _info: { lastUpdated: '2026-01-05T09:00:00Z', updatedBy: 'jdoe' },
  }),
};

export const BOARD_SUBTYPE: ResourceDef<BoardSubType> = {
  resource: 'boardSubType',
  label: 'BoardSubType',
  fields: () => ({
    id: num((s) => s.id),
    name: str((s) => s.name),
    ...refFields('board', (s) => s.boardId),
    inactiveFlag: bool((s) => s.inactiveFlag),
  }),
  arrayFields: ['typeAssociationIds'],
  wire: (s, ctx) => ({
    id: s.id,
    name: s.name,
    inactiveFlag: s.inactiveFlag,
    typeAssociationIds: [...s.typeAssociationIds],
    board: boardRef(ctx, s.boardId),
    _info: { lastUpdated: '2026-01-05T09:00:00Z', updatedBy: 'jdoe' },
  }),
};

export const BOARD_ITEM: ResourceDef<BoardItem> = {
  resource: 'boardItem',
  label: 'BoardItem',
  fields: () => ({
    id: num((i) => i.id),
    name: str((i) => i.name),
    ...refFields('board', (i) => i.boardId),
    inactiveFlag: bool((i) => i.inactiveFlag),
  }),
  wire: (i, ctx) => ({
    id: i.id,
    name: i.name,
    inactiveFlag: i.inactiveFlag,
    board: boardRef(ctx, i.boardId),
    _info: { lastUpdated: '2026-01-05T09:00:00Z', updatedBy: 'jdoe' },
  }),
};
