import type { AutotaskClient } from '../../../autotask/client.ts';
import type { Db, IntegrationSettings, TicketNote, TicketRecord } from '../../../db/database.ts';
import type { Actor } from '../../accounts/audit.ts';
import type { AutotaskAccess } from '../../integration/autotask-access.ts';

/** What the steps of writing a note share, and the outcomes a write ends with (`write-note.ts`). */

export interface NoteDeps {
  readonly db: Db;
  readonly autotask: AutotaskAccess;
  /** AUTOTASK_TIMEOUT_MS: a pending note younger than twice this is still "being added". */
  readonly timeoutMs: number;
  readonly clock?: () => Date;
  /** The integration settings when the request has read them already. */
  readonly settings?: IntegrationSettings;
}

export interface NoteToWrite {
  /** State 'created', `ticketId` (Autotask's id) not null. */
  readonly ticket: TicketRecord;
  readonly text: string;
  readonly visibility: 'internal' | 'all';
  /** The run a "run added" note is about. */
  readonly runId?: number | null;
  /** Default: "Note from Backupchecks"; the reference is added to it either way. */
  readonly title?: string;
  /** The form's one-time key, when the note comes from a form; else generated. */
  readonly submissionKey?: string;
}

export type NoteOutcome =
  /** This call wrote it. */
  | { kind: 'written'; note: TicketNote }
  /** An earlier submit of the same form wrote it. */
  | { kind: 'already'; note: TicketNote }
  /** Another request is writing it right now. */
  | { kind: 'in_progress'; note: TicketNote }
  /** Not written: the row is failed (refused) or still pending (the note may exist; looked for next time). */
  | { kind: 'failed'; note: TicketNote; problem: { message: string; detail?: string } };

export type SentTicket = TicketRecord & { ticketId: number };

/** One request's attempt at a note, once the guards have passed. */
export interface NoteAttempt {
  readonly deps: NoteDeps;
  readonly client: AutotaskClient;
  readonly actor: Actor;
  readonly ticket: SentTicket;
  /** "T20260113.0042", for messages and audit summaries. */
  readonly label: string;
  readonly clock: () => Date;
}

export const ticketLabelOf = (t: Pick<TicketRecord, 'ticketNumber' | 'ticketId'>): string =>
  t.ticketNumber ?? `ID ${t.ticketId ?? '?'}`;
