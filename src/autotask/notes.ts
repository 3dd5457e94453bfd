import { z } from 'zod';
import type { AutotaskHttp } from './http.ts';
import { filter, queryAll } from './query.ts';
import type { NewTicketNote, TicketNote } from './types.ts';
import { intish, itemIdEnvelope, optionalDate, optionalInt, optionalString, parseAnswer, validId } from './wire.ts';

/** Ticket notes: written through the parent ticket (`Tickets/{id}/Notes`), read through `TicketNotes/query`. */

const ticketNoteWire = z
  .object({
    id: intish,
    ticketID: intish,
    title: optionalString,
    description: optionalString,
    noteType: optionalInt,
    publish: optionalInt,
    createDateTime: optionalDate,
    creatorResourceID: optionalInt,
  })
  .transform((n): TicketNote => ({
    id: n.id,
    ticketId: n.ticketID,
    title: n.title,
    description: n.description,
    noteType: n.noteType,
    publish: n.publish,
    createDateTime: n.createDateTime,
    creatorResourceId: n.creatorResourceID,
  }));

/**
 * `POST Tickets/{id}/Notes`; returns the new note's id. Sent once: on an unknown outcome, look for
 * the note with `listTicketNotes` before writing another.
 */
export async function addTicketNote(http: AutotaskHttp, ticketId: number, note: NewTicketNote): Promise<number> {
  const operation = 'ticketNotes.create';
  const path = `Tickets/${validId(ticketId, 'ticket')}/Notes`;
  const body = {
    ticketID: ticketId,
    title: note.title,
    description: note.description,
    noteType: note.noteType,
    publish: note.publish,
  };
  const data = await http.send({ operation, method: 'POST', path, body, read: false });
  return parseAnswer(itemIdEnvelope, data, { operation, method: 'POST', path }).itemId;
}

/** All notes on a ticket, oldest id first. */
export async function listTicketNotes(http: AutotaskHttp, ticketId: number): Promise<TicketNote[]> {
  const notes = await queryAll(http, {
    operation: 'ticketNotes.list',
    entity: 'TicketNotes',
    body: { filter: [filter.eq('ticketID', validId(ticketId, 'ticket'))] },
    item: ticketNoteWire,
  });
  return notes.sort((a, b) => a.id - b.id);
}
