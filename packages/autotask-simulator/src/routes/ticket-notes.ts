/**
 * TicketNotes (docs/autotask.md, Ticket notes): created only through the parent, `POST /V1.0/Tickets/{id}/Notes`;
 * `ticketID` comes from the path. Required: title, description, noteType, publish
 * (publish 1 = All Autotask Users, 2 = Internal). Queried with `TicketNotes/query`.
 */
import { insertSorted } from '@backupchecks/simulator-kit';
import { actingResourceId, type ApiContext, type ApiResult } from '../api-context.ts';
import { ENTITIES } from '../entities.ts';
import { invalid } from '../errors.ts';
import { project } from '../query.ts';
import { buildNote } from '../records.ts';
import {
  checkLengths,
  checkPicklists,
  isMissing,
  parseWriteBody,
  referenceMessage,
  requiredMessage,
} from '../write-input.ts';

const entity = ENTITIES.TicketNotes;
const REQUIRED = ['title', 'description', 'noteType', 'publish'] as const;

export function createTicketNote(ctx: ApiContext, ticketId: number): ApiResult {
  const input = parseWriteBody(entity, ctx.body);
  const ticket = ctx.state.ticket(ticketId);
  if (!ticket) throw invalid(referenceMessage('ticketID', 'Ticket'));
  // The body may repeat the parent id (Datto's own examples send `TicketID`); a different one is a client bug.
  const bodyTicketId = input.values.get('ticketID');
  if (bodyTicketId !== undefined && bodyTicketId !== null && bodyTicketId !== ticketId) {
    throw invalid(
      `The ticketID in the body (${String(bodyTicketId)}) does not match the parent ticket id ${ticketId}.`,
    );
  }
  const missing = REQUIRED.filter((name) => isMissing(input.values.get(name))).map(requiredMessage);
  if (missing.length > 0) throw invalid(missing);
  const errors: string[] = [];
  checkLengths(entity, input.values, errors);
  checkPicklists(ctx.state, entity, input.values, errors);
  if (errors.length > 0) throw invalid(errors);

  const nowIso = ctx.state.nowIso();
  const impersonating = ctx.impersonationResourceId !== null;
  const note = buildNote(
    {
      id: ctx.state.nextId('ticketNotes'),
      ticketID: ticketId,
      title: String(input.values.get('title')),
      description: String(input.values.get('description')),
      noteType: Number(input.values.get('noteType')),
      publish: Number(input.values.get('publish')),
      creatorResourceID: actingResourceId(ctx),
      impersonatorCreatorResourceID: impersonating ? (ctx.user?.resourceId ?? null) : null,
    },
    nowIso,
  );
  insertSorted(ctx.state.ticketNotes, note);
  ticket.lastActivityDate = nowIso;
  return { body: { itemId: note.id } };
}

/** `GET /V1.0/Tickets/{id}/Notes`: the ticket's notes as one page. */
export function listTicketNotes(ctx: ApiContext, ticketId: number): ApiResult {
  const items = ctx.state.notesOf(ticketId).map((n) => project(entity, n, null));
  return {
    body: {
      items,
      pageDetails: { count: items.length, requestCount: 500, prevPageUrl: null, nextPageUrl: null },
    },
  };
}
