/**
 * Tickets, their notes and time entries as the API shows them (field names from ConnectWise's OpenAPI schemas
 * `Ticket`, `ServiceNote`, `TimeEntry`; docs/connectwise.md). Only the fields Backupchecks may read are filled; the
 * rest of ConnectWise's many fields are left out rather than invented.
 */
import type { ConnectWiseState } from './store.ts';
import type { ServiceNote, Ticket, TimeEntry } from './types.ts';
import {
  bool,
  boardRef,
  companyRef,
  contactName,
  contactRef,
  date,
  memberRef,
  num,
  ref,
  refFields,
  str,
  type ResourceDef,
  type WireContext,
} from './wire.ts';

/**
 * ConnectWise's ticket `actualHours` counts all time on the ticket, including entries the API member cannot list
 * (assumed; docs/connectwise.md, Time entries): it is not proof of billable time.
 */
function actualHours(state: ConnectWiseState, ticketId: number): number {
  return state.timeEntries
    .filter((e) => e.chargeToType === 'ServiceTicket' && e.chargeToId === ticketId)
    .reduce((sum, e) => sum + e.actualHours, 0);
}

export const TICKET: ResourceDef<Ticket> = {
  resource: 'ticket',
  label: 'Ticket',
  fields: (state) => ({
    id: num((t) => t.id),
    summary: str((t) => t.summary),
    recordType: str(() => 'ServiceTicket'),
    ...refFields('board', (t) => t.boardId, { name: (t) => state.board(t.boardId)?.name ?? null }),
    ...refFields('status', (t) => t.statusId, { name: (t) => state.status(t.statusId)?.name ?? null }),
    ...refFields('company', (t) => t.companyId, {
      identifier: (t) => state.company(t.companyId)?.identifier ?? null,
      name: (t) => state.company(t.companyId)?.name ?? null,
    }),
    ...refFields('contact', (t) => t.contactId, { name: (t) => contactName(state, t.contactId) }),
    ...refFields('type', (t) => t.typeId, {
      name: (t) => (t.typeId === null ? null : (state.type(t.typeId)?.name ?? null)),
    }),
    ...refFields('subType', (t) => t.subTypeId, {
      name: (t) => (t.subTypeId === null ? null : (state.subType(t.subTypeId)?.name ?? null)),
    }),
    ...refFields('item', (t) => t.itemId, {
      name: (t) => (t.itemId === null ? null : (state.item(t.itemId)?.name ?? null)),
    }),
    ...refFields('priority', (t) => t.priorityId, { name: (t) => state.priority(t.priorityId)?.name ?? null }),
    severity: str((t) => t.severity),
    impact: str((t) => t.impact),
    externalXRef: str((t) => t.externalXRef),
    poNumber: str((t) => t.poNumber),
    closedFlag: bool((t) => t.closedFlag),
    closedDate: date((t) => t.closedDate),
    closedBy: str((t) => t.closedBy),
    actualHours: num((t) => actualHours(state, t.id)),
    dateEntered: date((t) => t.dateEntered),
    enteredBy: str((t) => t.enteredBy),
    lastUpdated: date((t) => t.lastUpdated),
    updatedBy: str((t) => t.updatedBy),
  }),
  wire: (t, ctx) => ({
    id: t.id,
    summary: t.summary,
    recordType: 'ServiceTicket',
    board: boardRef(ctx, t.boardId),
    status: ref(ctx, 'status', `service/boards/${t.boardId}/statuses/${t.statusId}`, {
      id: t.statusId,
      name: ctx.state.status(t.statusId)?.name ?? '',
    }),
    company: companyRef(ctx, t.companyId),
    ...(t.contactId === null
      ? {}
      : { contact: contactRef(ctx, t.contactId), contactName: contactName(ctx.state, t.contactId) }),
    ...(t.typeId === null ? {} : { type: typeRef(ctx, t.boardId, t.typeId) }),
    ...(t.subTypeId === null ? {} : { subType: subTypeRef(ctx, t.boardId, t.subTypeId) }),
    ...(t.itemId === null ? {} : { item: itemRef(ctx, t.boardId, t.itemId) }),
    priority: ref(ctx, 'priority', `service/priorities/${t.priorityId}`, {
      id: t.priorityId,
      name: ctx.state.priority(t.priorityId)?.name ?? '',
      sort: ctx.state.priority(t.priorityId)?.sortOrder ?? 0,
    }),
    severity: t.severity,
    impact: t.impact,
    ...(t.externalXRef === null ? {} : { externalXRef: t.externalXRef }),
    ...(t.poNumber === null ? {} : { poNumber: t.poNumber }),
    allowAllClientsPortalView: false,
    customerUpdatedFlag: false,
    automaticEmailContactFlag: false,
    automaticEmailResourceFlag: false,
    automaticEmailCcFlag: false,
    ...(t.closedDate === null ? {} : { closedDate: t.closedDate }),
    ...(t.closedBy === null ? {} : { closedBy: t.closedBy }),
    closedFlag: t.closedFlag,
    actualHours: actualHours(ctx.state, t.id),
    approved: true,
    billTime: 'NoDefault',
    billExpenses: 'NoDefault',
    billProducts: 'NoDefault',
    _info: {
      lastUpdated: t.lastUpdated,
      updatedBy: t.updatedBy,
      dateEntered: t.dateEntered,
      enteredBy: t.enteredBy,
      notes_href: `${ctx.apiBase}/service/tickets/${t.id}/notes`,
      timeentries_href: `${ctx.apiBase}/time/entries?conditions=(chargeToType="ServiceTicket" OR chargeToType="ProjectTicket") AND chargeToId=${t.id}`,
    },
  }),
};

function typeRef(ctx: WireContext, boardId: number, id: number) {
  return ref(ctx, 'type', `service/boards/${boardId}/types/${id}`, { id, name: ctx.state.type(id)?.name ?? '' });
}

function subTypeRef(ctx: WireContext, boardId: number, id: number) {
  return ref(ctx, 'subType', `service/boards/${boardId}/subtypes/${id}`, {
    id,
    name: ctx.state.subType(id)?.name ?? '',
  });
}

function itemRef(ctx: WireContext, boardId: number, id: number) {
  return ref(ctx, 'item', `service/boards/${boardId}/items/${id}`, { id, name: ctx.state.item(id)?.name ?? '' });
}

export const NOTE: ResourceDef<ServiceNote> = {
  resource: 'serviceNote',
  label: 'ServiceNote',
  fields: () => ({
    id: num((n) => n.id),
    ticketId: num((n) => n.ticketId),
    text: str((n) => n.text),
    detailDescriptionFlag: bool((n) => n.detailDescriptionFlag),
    internalAnalysisFlag: bool((n) => n.internalAnalysisFlag),
    resolutionFlag: bool((n) => n.resolutionFlag),
    ...refFields('member', (n) => n.memberId),
    ...refFields('contact', (n) => n.contactId),
    dateCreated: date((n) => n.dateCreated),
    createdBy: str((n) => n.createdBy),
  }),
  wire: (n, ctx) => ({
    id: n.id,
    ticketId: n.ticketId,
    text: n.text,
    detailDescriptionFlag: n.detailDescriptionFlag,
    internalAnalysisFlag: n.internalAnalysisFlag,
    resolutionFlag: n.resolutionFlag,
    issueFlag: false,
    ...(n.memberId === null ? {} : { member: memberRef(ctx, n.memberId) }),
    ...(n.contactId === null ? {} : { contact: contactRef(ctx, n.contactId) }),
    customerUpdatedFlag: false,
    processNotifications: true,
    dateCreated: n.dateCreated,
    createdBy: n.createdBy,
    // Not the visibility switch: a public fixture has a member's Discussion note with internalFlag true, so they
    // likely tell who wrote the note, member or contact (assumed; docs/connectwise.md, Ticket notes).
    internalFlag: n.memberId !== null,
    externalFlag: n.contactId !== null && n.memberId === null,
    _info: { lastUpdated: n.dateCreated, updatedBy: n.createdBy },
  }),
};

export const TIME_ENTRY: ResourceDef<TimeEntry> = {
  resource: 'timeEntry',
  label: 'TimeEntry',
  fields: (state) => ({
    id: num((e) => e.id),
    chargeToId: num((e) => e.chargeToId),
    chargeToType: str((e) => e.chargeToType),
    billableOption: str((e) => e.billableOption),
    actualHours: num((e) => e.actualHours),
    notes: str((e) => e.notes),
    timeStart: date((e) => e.timeStart),
    timeEnd: date((e) => e.timeEnd),
    ...refFields('member', (e) => e.memberId, { identifier: (e) => state.member(e.memberId)?.identifier ?? null }),
    ...refFields('company', (e) => e.companyId, { identifier: (e) => state.company(e.companyId)?.identifier ?? null }),
    ...refFields('ticket', (e) => (e.chargeToType === 'ServiceTicket' ? e.chargeToId : null)),
    dateEntered: date((e) => e.dateEntered),
    enteredBy: str((e) => e.enteredBy),
  }),
  wire: (e, ctx) => {
    const ticket = e.chargeToType === 'ServiceTicket' ? ctx.state.ticket(e.chargeToId) : undefined;
    return {
      id: e.id,
      company: companyRef(ctx, e.companyId),
      companyType: 'Client',
      chargeToId: e.chargeToId,
      chargeToType: e.chargeToType,
      member: memberRef(ctx, e.memberId),
      timeStart: e.timeStart,
      timeEnd: e.timeEnd,
      hoursDeduct: 0,
      actualHours: e.actualHours,
      billableOption: e.billableOption,
      notes: e.notes,
      addToDetailDescriptionFlag: false,
      addToInternalAnalysisFlag: false,
      addToResolutionFlag: false,
      hoursBilled: e.billableOption === 'Billable' ? e.actualHours : 0,
      enteredBy: e.enteredBy,
      dateEntered: e.dateEntered,
      ...(ticket
        ? {
            ticket: ref(ctx, 'ticket', `service/tickets/${ticket.id}`, { id: ticket.id, summary: ticket.summary }),
            ticketBoard: ctx.state.board(ticket.boardId)?.name ?? '',
            ticketStatus: ctx.state.status(ticket.statusId)?.name ?? '',
          }
        : {}),
      status: 'Open',
      _info: { lastUpdated: e.dateEntered, updatedBy: e.enteredBy },
    };
  },
};
