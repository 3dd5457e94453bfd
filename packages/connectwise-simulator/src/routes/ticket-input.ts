/**
 * Reading a new ticket's body (ConnectWise's `Ticket` schema; docs/connectwise.md, Service tickets). References are
 * objects naming a record by `id`, or by `name` (board, status, priority, type, subtype, item) or `identifier`
 * (company).
 *
 * Documented: `summary` (at most 100 characters, `MaxLengthField`) and `company` are required; other string lengths
 * (externalXRef 100, poNumber 50, contactName 62, contactEmailAddress 250); severity and impact are Low, Medium or
 * High; a status must belong to the ticket's board (`NotFound` "Service Status 17 not found for Service Board 21" on
 * `status/id`); types, subtypes and items are board-scoped too.
 * Assumed, shaped after that status answer (docs/connectwise.md, Service tickets and Open questions): the same
 * `NotFound` items for a board, type, subtype, item, priority, company or contact that does not exist; the board must
 * be active (and is required unless settings.boardRequired is off); status, type, subtype and item must be active; a
 * subtype needs a type it is associated with; a deleted company, or one whose status disallows saving, is refused;
 * without a status the board's default status is used, without a priority the default priority.
 */
import { invalidField, missingField, referenceNotFound, tooLong, type ValidationItem } from '../errors.ts';
import type { ConnectWiseState } from '../store.ts';
import type { Board, BoardStatus, Severity } from '../types.ts';

const R = 'ticket';
const LENGTHS: Record<string, number> = {
  summary: 100,
  externalXRef: 100,
  poNumber: 50,
  contactName: 62,
  contactEmailAddress: 250,
};
const SEVERITIES: readonly Severity[] = ['Low', 'Medium', 'High'];

export interface TicketValues {
  summary: string;
  companyId: number;
  boardId: number;
  statusId: number;
  priorityId: number;
  contactId: number | null;
  typeId: number | null;
  subTypeId: number | null;
  itemId: number | null;
  severity: Severity;
  impact: Severity;
  externalXRef: string | null;
  poNumber: string | null;
}

type Body = Record<string, unknown>;
type Ref = { id?: unknown; name?: unknown; identifier?: unknown };

export function isObject(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a POST body; returns the values, or the list of problems (empty list means none). */
export function readNewTicket(
  state: ConnectWiseState,
  body: Body,
): { values: TicketValues | null; errors: ValidationItem[] } {
  const errors: ValidationItem[] = [];
  const summary = readSummary(body.summary, errors);
  checkLengths(body, errors);
  const companyId = readCompany(state, body, errors);
  const board = readBoard(state, body, errors);
  const statusId = board ? readStatus(state, board, body.status, errors) : null;
  const typeId = board ? readBoardChild(state, board, 'type', body.type, errors) : null;
  const subTypeId = board ? readSubType(state, board, typeId, body.subType, errors) : null;
  const itemId = board ? readBoardChild(state, board, 'item', body.item, errors) : null;
  const priorityId = readPriority(state, body.priority, errors);
  const contactId = readContact(state, body.contact, errors);
  const severity = readSeverity(body, 'severity', errors);
  const impact = readSeverity(body, 'impact', errors);
  if (body.recordType !== undefined && body.recordType !== null && body.recordType !== 'ServiceTicket') {
    errors.push(invalidField(R, 'recordType', 'recordType must be ServiceTicket on service/tickets.'));
  }
  if (errors.length > 0 || summary === null || companyId === null || !board || statusId === null) {
    return { values: null, errors };
  }
  return {
    values: {
      summary,
      companyId,
      boardId: board.id,
      statusId,
      priorityId: priorityId ?? defaultPriority(state),
      contactId,
      typeId,
      subTypeId,
      itemId,
      severity,
      impact,
      externalXRef: optionalString(body.externalXRef),
      poNumber: optionalString(body.poNumber),
    },
    errors,
  };
}

export function readSummary(value: unknown, errors: ValidationItem[]): string | null {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    errors.push(missingField(R, 'summary'));
    return null;
  }
  if (typeof value !== 'string') {
    errors.push(invalidField(R, 'summary', 'summary must be a string.'));
    return null;
  }
  if (value.length > LENGTHS.summary!) {
    errors.push(tooLong(R, 'summary', LENGTHS.summary!));
    return null;
  }
  return value;
}

function checkLengths(body: Body, errors: ValidationItem[]): void {
  for (const [field, max] of Object.entries(LENGTHS)) {
    const value = body[field];
    if (field === 'summary' || value === undefined || value === null) continue;
    if (typeof value !== 'string') errors.push(invalidField(R, field, `${field} must be a string.`));
    else if (value.length > max) errors.push(tooLong(R, field, max));
  }
}

function readRef(body: unknown, field: string, errors: ValidationItem[]): Ref | null {
  if (body === undefined || body === null) return null;
  if (!isObject(body) || (body.id === undefined && body.name === undefined && body.identifier === undefined)) {
    errors.push(invalidField(R, field, `${field} must be a reference such as {"id": 1}.`));
    return null;
  }
  return body;
}

function describe(ref: Ref): string {
  return typeof ref.id === 'number' ? String(ref.id) : JSON.stringify(ref.id ?? ref.name ?? ref.identifier ?? null);
}

/** The field a reference error is reported on: `board/id`, or `board/name` when it was named. */
function refField(field: string, ref: Ref): string {
  return `${field}/${ref.id !== undefined ? 'id' : ref.name !== undefined ? 'name' : 'identifier'}`;
}

function named(ref: Ref, record: { id: number; name: string }): boolean {
  if (ref.id !== undefined) return ref.id === record.id;
  return typeof ref.name === 'string' && ref.name.toLowerCase() === record.name.toLowerCase();
}

function readCompany(state: ConnectWiseState, body: Body, errors: ValidationItem[]): number | null {
  const ref = readRef(body.company, 'company', errors);
  if (body.company === undefined || body.company === null) errors.push(missingField(R, 'company'));
  if (!ref) return null;
  const company = state.companies.find((c) =>
    ref.id !== undefined
      ? ref.id === c.id
      : typeof ref.identifier === 'string' && ref.identifier.toLowerCase() === c.identifier.toLowerCase(),
  );
  if (!company) {
    errors.push(referenceNotFound(R, refField('company', ref), `Company ${describe(ref)} not found`));
    return null;
  }
  if (company.deletedFlag) {
    errors.push(invalidField(R, 'company', `Company ${company.identifier} has been deleted.`));
    return null;
  }
  if (state.companyStatus(company.statusId)?.disallowSavingFlag) {
    const status = state.companyStatus(company.statusId)?.name ?? '';
    errors.push(
      invalidField(R, 'company', `Company ${company.identifier} has status ${status}, which does not allow saving.`),
    );
    return null;
  }
  return company.id;
}

function readBoard(state: ConnectWiseState, body: Body, errors: ValidationItem[]): Board | null {
  const ref = readRef(body.board, 'board', errors);
  if (!ref) {
    if (body.board === undefined || body.board === null) {
      if (state.settings.boardRequired) errors.push(missingField(R, 'board'));
      else return state.boards.find((b) => !b.inactiveFlag) ?? null;
    }
    return null;
  }
  const board = state.boards.find((b) => named(ref, b));
  if (!board) errors.push(referenceNotFound(R, refField('board', ref), `Service Board ${describe(ref)} not found`));
  else if (board.inactiveFlag) errors.push(invalidField(R, 'board', `Board ${board.name} is inactive.`));
  return board && !board.inactiveFlag ? board : null;
}

/** A status of the board, active; none given → the board's default. Also used by PATCH. */
export function readStatus(
  state: ConnectWiseState,
  board: Board,
  value: unknown,
  errors: ValidationItem[],
): number | null {
  const ref = readRef(value, 'status', errors);
  const statuses = state.statuses.filter((s) => s.boardId === board.id);
  if (!ref) return value === undefined || value === null ? (defaultStatus(statuses)?.id ?? null) : null;
  const status = statuses.find((s) => named(ref, s));
  if (!status) {
    const message = `Service Status ${describe(ref)} not found for Service Board ${board.id}`;
    errors.push(referenceNotFound(R, refField('status', ref), message));
  } else if (status.inactive) errors.push(invalidField(R, 'status', `Status ${status.name} is inactive.`));
  return status && !status.inactive ? status.id : null;
}

function defaultStatus(statuses: BoardStatus[]): BoardStatus | undefined {
  return statuses.find((s) => s.defaultFlag && !s.inactive) ?? statuses.find((s) => !s.inactive);
}

const BOARD_CHILD = { type: 'Type', item: 'Item' } as const;

/** A type or item of the board, active. */
function readBoardChild(
  state: ConnectWiseState,
  board: Board,
  field: keyof typeof BOARD_CHILD,
  value: unknown,
  errors: ValidationItem[],
): number | null {
  const ref = readRef(value, field, errors);
  if (!ref) return null;
  const records = field === 'type' ? state.types : state.items;
  const found = records.find((r) => r.boardId === board.id && named(ref, r));
  const label = BOARD_CHILD[field];
  if (!found) {
    const message = `Service ${label} ${describe(ref)} not found for Service Board ${board.id}`;
    errors.push(referenceNotFound(R, refField(field, ref), message));
  } else if (found.inactiveFlag) errors.push(invalidField(R, field, `${label} ${found.name} is inactive.`));
  return found && !found.inactiveFlag ? found.id : null;
}

function readSubType(
  state: ConnectWiseState,
  board: Board,
  typeId: number | null,
  value: unknown,
  errors: ValidationItem[],
): number | null {
  const ref = readRef(value, 'subType', errors);
  if (!ref) return null;
  const subType = state.subTypes.find((s) => s.boardId === board.id && named(ref, s));
  if (!subType) {
    const message = `Service SubType ${describe(ref)} not found for Service Board ${board.id}`;
    errors.push(referenceNotFound(R, refField('subType', ref), message));
  } else if (subType.inactiveFlag) {
    errors.push(invalidField(R, 'subType', `Subtype ${subType.name} is inactive.`));
  } else if (typeId === null || !subType.typeAssociationIds.includes(typeId)) {
    errors.push(invalidField(R, 'subType', `Subtype ${subType.name} does not go with the ticket's type.`));
  } else {
    return subType.id;
  }
  return null;
}

/** Priorities are not per board in ConnectWise: any existing one. Also used by PATCH. */
export function readPriority(state: ConnectWiseState, value: unknown, errors: ValidationItem[]): number | null {
  const ref = readRef(value, 'priority', errors);
  if (!ref) return null;
  const priority = state.priorities.find((p) => named(ref, p));
  if (!priority) errors.push(referenceNotFound(R, refField('priority', ref), `Priority ${describe(ref)} not found`));
  return priority?.id ?? null;
}

function defaultPriority(state: ConnectWiseState): number {
  return (state.priorities.find((p) => p.defaultFlag) ?? state.priorities[0])?.id ?? 0;
}

function readContact(state: ConnectWiseState, value: unknown, errors: ValidationItem[]): number | null {
  const ref = readRef(value, 'contact', errors);
  if (!ref) return null;
  const contact = state.contacts.find((c) => c.id === ref.id);
  if (!contact) errors.push(referenceNotFound(R, refField('contact', ref), `Contact ${describe(ref)} not found`));
  else if (contact.inactiveFlag) errors.push(invalidField(R, 'contact', `Contact ${contact.id} is inactive.`));
  return contact && !contact.inactiveFlag ? contact.id : null;
}

function readSeverity(body: Body, field: 'severity' | 'impact', errors: ValidationItem[]): Severity {
  const value = body[field];
  if (value === undefined || value === null) return 'Medium';
  const found = SEVERITIES.find((s) => typeof value === 'string' && s.toLowerCase() === value.toLowerCase());
  if (!found) errors.push(invalidField(R, field, `${field} must be one of Low, Medium, High.`));
  return found ?? 'Medium';
}

function optionalString(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
