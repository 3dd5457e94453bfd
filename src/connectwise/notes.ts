import { z } from 'zod';
import type { ConnectWiseHttp } from './http.ts';
import { listAll } from './paging.ts';
import type { NewTicketNote, TicketNote } from './types.ts';
import { booleanish, intish, optionalInt, optionalString, parseAnswer, validId } from './wire.ts';

/**
 * Ticket notes: `service/tickets/{id}/notes`. Where a note shows is set by three flags, at least one
 * true; internal-only is `internalAnalysisFlag` alone (docs/connectwise.md, Ticket notes). The note
 * names its ticket with a plain `ticketId`, not a `ticket` reference.
 */

const NOTE_FIELDS: readonly string[] = [
  'id',
  'ticketId',
  'text',
  'detailDescriptionFlag',
  'internalAnalysisFlag',
  'resolutionFlag',
];

const noteWire = z
  .object({
    id: intish,
    ticketId: optionalInt,
    text: optionalString,
    detailDescriptionFlag: booleanish(false),
    internalAnalysisFlag: booleanish(false),
    resolutionFlag: booleanish(false),
  })
  .transform((n): TicketNote => ({
    id: n.id,
    ticketId: n.ticketId,
    text: n.text,
    detailDescription: n.detailDescriptionFlag,
    internalAnalysis: n.internalAnalysisFlag,
    resolution: n.resolutionFlag,
  }));

const createdNote = z.object({ id: intish });

/** A note on the Internal thread only: the one Backupchecks writes. */
export function internalNote(text: string): NewTicketNote {
  return { text, detailDescription: false, internalAnalysis: true, resolution: false };
}

function notesPath(ticketId: number): string {
  return `service/tickets/${validId(ticketId, 'ticket')}/notes`;
}

/** The note body; refuses, before sending, what ConnectWise would refuse (no text, no place to show). */
export function noteBody(note: NewTicketNote): Record<string, unknown> {
  if (note.text.trim() === '') throw new TypeError('A ConnectWise ticket note needs text');
  if (!note.detailDescription && !note.internalAnalysis && !note.resolution) {
    throw new TypeError('A ConnectWise ticket note must show on the discussion, internal or resolution thread');
  }
  return {
    text: note.text,
    detailDescriptionFlag: note.detailDescription,
    internalAnalysisFlag: note.internalAnalysis,
    resolutionFlag: note.resolution,
  };
}

/**
 * `POST service/tickets/{id}/notes`; returns the new note's id. Sent once: on an unknown outcome,
 * look for the note with `listTicketNotes` before writing another.
 */
export async function addTicketNote(http: ConnectWiseHttp, ticketId: number, note: NewTicketNote): Promise<number> {
  const operation = 'ticketNotes.create';
  const path = notesPath(ticketId);
  const answer = await http.send({ operation, method: 'POST', path, body: noteBody(note), read: false });
  return parseAnswer(createdNote, answer.data, { operation, method: 'POST', path }).id;
}

/** All notes on a ticket, oldest id first. */
export async function listTicketNotes(http: ConnectWiseHttp, ticketId: number): Promise<TicketNote[]> {
  const notes = await listAll(http, {
    operation: 'ticketNotes.list',
    path: notesPath(ticketId),
    orderBy: 'id asc',
    fields: NOTE_FIELDS,
    item: noteWire,
  });
  return notes.sort((a, b) => a.id - b.id);
}
