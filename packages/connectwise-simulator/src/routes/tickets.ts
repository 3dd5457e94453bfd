/**
 * Ticket writes (docs/connectwise.md, Service tickets):
 *
 * - `POST service/tickets` → 201 with the whole ticket. `initialDescription`, `initialInternalAnalysis` and
 *   `initialResolution` become the ticket's first notes (they are "only available for POST, will not be returned").
 * - `PATCH service/tickets/{id}` with a JSON Patch array (`[{"op":"replace","path":"status","value":{"id":104}}]`)
 *   → 200 with the whole ticket. The simulator applies `replace` (and `add`, which ConnectWise treats alike) to
 *   `summary`, `status`, `priority` and `externalXRef` (also as `status/id`, `/status/id`, …); a path it does not
 *   simulate is refused with 400 rather than ignored. All operations are checked before any is applied.
 */
import { insertSorted } from '@backupchecks/simulator-kit';
import type { ApiContext, ApiResult } from '../api-context.ts';
import { invalidField, invalidObject, notFound, tooLong, type ValidationItem } from '../errors.ts';
import { NOTE, TICKET } from '../resources-service.ts';
import { applyStatus } from '../store.ts';
import type { ServiceNote, Ticket } from '../types.ts';
import { isObject, readNewTicket, readPriority, readStatus, readSummary } from './ticket-input.ts';

const R = 'ticket';

export function createTicket(ctx: ApiContext): ApiResult {
  if (!isObject(ctx.body)) throw invalidObject(R, [invalidField(R, '', 'The request body must be a ticket object.')]);
  const { values, errors } = readNewTicket(ctx.state, ctx.body);
  if (!values) throw invalidObject(R, errors);
  const now = ctx.state.nowIso();
  const by = ctx.member.identifier;
  const ticket: Ticket = {
    id: ctx.state.nextId('tickets'),
    ...values,
    closedFlag: false,
    closedDate: null,
    closedBy: null,
    dateEntered: now,
    enteredBy: by,
    lastUpdated: now,
    updatedBy: by,
  };
  const status = ctx.state.status(values.statusId);
  if (status) applyStatus(ticket, status, now, by);
  insertSorted(ctx.state.tickets, ticket);
  addInitialNotes(ctx, ticket.id, ctx.body);
  return { status: 201, body: TICKET.wire(ticket, ctx) };
}

function addInitialNotes(ctx: ApiContext, ticketId: number, body: Record<string, unknown>): void {
  const flags = [
    ['initialDescription', 'detailDescriptionFlag'],
    ['initialInternalAnalysis', 'internalAnalysisFlag'],
    ['initialResolution', 'resolutionFlag'],
  ] as const;
  for (const [field, flag] of flags) {
    const text = body[field];
    if (typeof text !== 'string' || text.trim() === '') continue;
    insertSorted(ctx.state.notes, {
      ...newNote(ctx, ticketId, text),
      [flag]: true,
    });
  }
}

export function newNote(ctx: ApiContext, ticketId: number, text: string): ServiceNote {
  return {
    id: ctx.state.nextId('notes'),
    ticketId,
    text,
    detailDescriptionFlag: false,
    internalAnalysisFlag: false,
    resolutionFlag: false,
    memberId: ctx.member.id,
    contactId: null,
    dateCreated: ctx.state.nowIso(),
    createdBy: ctx.member.identifier,
  };
}

type Patch = { field: 'summary' | 'status' | 'priority' | 'externalXRef'; value: unknown };

export function patchTicket(ctx: ApiContext, id: number): ApiResult {
  const ticket = ctx.state.ticket(id);
  if (!ticket) throw notFound('Ticket', id);
  const patches = readPatches(ctx.body);
  const errors: ValidationItem[] = [];
  const board = ctx.state.board(ticket.boardId);
  const next: { summary?: string; statusId?: number; priorityId?: number; externalXRef?: string | null } = {};
  for (const { field, value } of patches) {
    if (field === 'summary') {
      const summary = readSummary(value, errors);
      if (summary !== null) next.summary = summary;
    } else if (field === 'status') {
      const statusId = board ? readStatus(ctx.state, board, required(value, 'status', errors), errors) : null;
      if (statusId !== null && value !== undefined && value !== null) next.statusId = statusId;
    } else if (field === 'priority') {
      const priorityId = readPriority(ctx.state, required(value, 'priority', errors), errors);
      if (priorityId !== null) next.priorityId = priorityId;
    } else {
      next.externalXRef = readExternalXRef(value, errors);
    }
  }
  if (errors.length > 0) throw invalidObject(R, errors);
  apply(ctx, ticket, next);
  return { body: TICKET.wire(ticket, ctx) };
}

function apply(
  ctx: ApiContext,
  ticket: Ticket,
  next: { summary?: string; statusId?: number; priorityId?: number; externalXRef?: string | null },
): void {
  const now = ctx.state.nowIso();
  const by = ctx.member.identifier;
  if (next.summary !== undefined) ticket.summary = next.summary;
  if (next.priorityId !== undefined) ticket.priorityId = next.priorityId;
  if (next.externalXRef !== undefined) ticket.externalXRef = next.externalXRef;
  const status = next.statusId === undefined ? undefined : ctx.state.status(next.statusId);
  if (status) applyStatus(ticket, status, now, by);
  ticket.lastUpdated = now;
  ticket.updatedBy = by;
}

function required(value: unknown, field: string, errors: ValidationItem[]): unknown {
  if (value === undefined || value === null) errors.push(invalidField(R, field, `${field} cannot be removed.`));
  return value;
}

function readExternalXRef(value: unknown, errors: ValidationItem[]): string | null {
  if (value === null || value === '') return null;
  if (typeof value !== 'string') errors.push(invalidField(R, 'externalXRef', 'externalXRef must be a string.'));
  else if (value.length > 100) errors.push(tooLong(R, 'externalXRef', 100));
  else return value;
  return null;
}

/**
 * `[{op, path, value}]`. `status/id` with a number is read as `status` with `{"id": n}` (and `status/name` alike), so
 * both spellings clients use end up in the same check.
 */
function readPatches(body: unknown): Patch[] {
  const bad = (message: string) => invalidObject(R, [invalidField(R, 'patchOperation', message)]);
  if (!Array.isArray(body) || body.length === 0) throw bad('The body must be a non-empty JSON Patch array.');
  return body.map((op: unknown, index): Patch => {
    if (!isObject(op) || typeof op.op !== 'string' || typeof op.path !== 'string') {
      throw bad(`Operation ${index} needs op and path.`);
    }
    const kind = op.op.toLowerCase();
    if (kind !== 'replace' && kind !== 'add') throw bad(`Operation ${index}: op '${op.op}' is not simulated.`);
    const [head = '', sub, ...extra] = op.path.replace(/^\/+/, '').split('/');
    const field = (['summary', 'status', 'priority', 'externalXRef'] as const).find(
      (f) => f.toLowerCase() === head.toLowerCase(),
    );
    const refField = field === 'status' || field === 'priority';
    const subOk = sub === undefined || (refField && (sub === 'id' || sub === 'name'));
    if (!field || !subOk || extra.length > 0) throw bad(`Operation ${index}: patching '${op.path}' is not simulated.`);
    return { field, value: sub === undefined ? op.value : { [sub]: op.value } };
  });
}

export const NOTE_PLACEMENT_MESSAGE = 'Please choose where to display the notes in order to save this record.';

/** `POST service/tickets/{id}/notes`: text and at least one of the three flags (docs/connectwise.md, Ticket notes). */
export function createNote(ctx: ApiContext, ticketId: number): ApiResult {
  if (!ctx.state.ticket(ticketId)) throw notFound('Ticket', ticketId);
  const body = ctx.body;
  const N = 'serviceNote';
  if (!isObject(body)) throw invalidObject(N, [invalidField(N, '', 'The request body must be a note object.')]);
  const errors: ValidationItem[] = [];
  if (typeof body.text !== 'string' || body.text.trim() === '') {
    errors.push({ code: 'MissingRequiredField', message: 'text is required.', resource: N, field: 'text' });
  }
  const flags = ['detailDescriptionFlag', 'internalAnalysisFlag', 'resolutionFlag'] as const;
  for (const flag of flags) {
    if (body[flag] !== undefined && typeof body[flag] !== 'boolean')
      errors.push(invalidField(N, flag, `${flag} must be true or false.`));
  }
  // The message is ConnectWise's (docs/connectwise.md, Ticket notes); the item code and field are assumed.
  if (!flags.some((flag) => body[flag] === true)) {
    errors.push(invalidField(N, 'detailDescriptionFlag', NOTE_PLACEMENT_MESSAGE));
  }
  const contactId = isObject(body.contact) && typeof body.contact.id === 'number' ? body.contact.id : null;
  if (contactId !== null && !ctx.state.contact(contactId)) {
    errors.push({ code: 'NotFound', message: `Contact ${contactId} not found`, resource: N, field: 'contact/id' });
  }
  if (errors.length > 0) throw invalidObject(N, errors);
  const note: ServiceNote = {
    ...newNote(ctx, ticketId, String(body.text)),
    detailDescriptionFlag: body.detailDescriptionFlag === true,
    internalAnalysisFlag: body.internalAnalysisFlag === true,
    resolutionFlag: body.resolutionFlag === true,
    contactId,
  };
  insertSorted(ctx.state.notes, note);
  const ticket = ctx.state.ticket(ticketId);
  if (ticket) ticket.lastUpdated = note.dateCreated;
  return { status: 201, body: NOTE.wire(note, ctx) };
}
