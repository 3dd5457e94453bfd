import type { Db, TicketNote, TicketRecord } from '../../../db/database.ts';
import type { PsaClient, PsaProfile } from '../../../psa/port.ts';
import type { Actor } from '../../accounts/audit.ts';
import type { WriteRetryOptions } from '../retry-write.ts';

/** What the steps of writing a note share, and the outcomes a write ends with (`write-note.ts`). */

export interface NoteDeps {
  readonly db: Db;
  /** The active PSA, read once per request (`requestProfile`). */
  readonly profile: PsaProfile;
  /** AUTOTASK_TIMEOUT_MS: a pending note younger than twice this is still "being added". */
  readonly timeoutMs: number;
  readonly clock?: () => Date;
  /** Waits before a note refused by Autotask's thread threshold is sent again (`../retry-write.ts`). */
  readonly writeRetry?: WriteRetryOptions | undefined;
}

export interface NoteToWrite {
  /** State 'created', `ticketId` (the PSA's id) not null, of the active PSA. */
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
  readonly client: PsaClient;
  readonly actor: Actor;
  readonly ticket: SentTicket;
  /** "T20260113.0042", for messages and audit summaries. */
  readonly label: string;
  readonly clock: () => Date;
}

export const ticketLabelOf = (t: Pick<TicketRecord, 'ticketNumber' | 'ticketId'>): string =>
  t.ticketNumber ?? `ID ${t.ticketId ?? '?'}`;
