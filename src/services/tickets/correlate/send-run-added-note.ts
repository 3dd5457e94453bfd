import type { RunStatus, TicketRecord } from '../../../db/database.ts';
import { AppError } from '../../../errors/catalogue.ts';
import type { Actor } from '../../accounts/audit.ts';
import type { LoadedRun } from '../create/ticket-input.ts';
import { runUrl, settingsBaseUrl } from '../create/ticket-input.ts';
import { writeTicketNote, type NoteDeps } from '../notes/write-note.ts';
import type { Problem } from '../run-ticket-claims.ts';
import { RUN_ADDED_OBJECTS, runAddedKey, runAddedText, runAddedTitle } from './run-added-note.ts';

/** The "run added" note of `add-to-ticket.ts`: its content from the run, written through the notes writer. */

export interface CorrelationDeps extends NoteDeps {
  /** Zone for the run time in the note. */
  readonly timezone: string;
  /** APP_BASE_URL, for the run link when Settings has no base URL. */
  readonly fallbackBaseUrl?: string | undefined;
}

/** What became of the note; the run stays linked whatever it is. */
export type NoteResult =
  { readonly kind: 'written' | 'already' | 'in_progress' } | { readonly kind: 'failed'; readonly problem: Problem };

export async function sendRunAddedNote(
  deps: CorrelationDeps,
  actor: Actor,
  run: LoadedRun,
  ticket: TicketRecord,
): Promise<NoteResult> {
  const input = await noteInput(deps, run);
  try {
    const outcome = await writeTicketNote(deps, actor, {
      ticket,
      title: runAddedTitle(input),
      text: runAddedText(input),
      visibility: 'internal',
      runId: run.id,
      submissionKey: runAddedKey(run.id, ticket.id),
    });
    return outcome.kind === 'failed' ? { kind: 'failed', problem: outcome.problem } : { kind: outcome.kind };
  } catch (e) {
    // A guard of the writer (integration switched off meanwhile, …): the link stays, the note is retried.
    if (e instanceof AppError) return { kind: 'failed', problem: { message: e.message, detail: e.detail } };
    throw e;
  }
}

async function noteInput(deps: CorrelationDeps, run: LoadedRun) {
  const affected = { runId: run.id, status: { in: ['error', 'warning'] as RunStatus[] } };
  const [objects, affectedTotal, baseUrl] = await Promise.all([
    deps.db.runObject.findMany({
      where: affected,
      // RunStatus is declared success, warning, error: descending puts errors first.
      orderBy: [{ status: 'desc' }, { position: 'asc' }],
      take: RUN_ADDED_OBJECTS,
    }),
    deps.db.runObject.count({ where: affected }),
    settingsBaseUrl(deps.db, deps.profile),
  ]);
  return {
    runId: run.id,
    runAt: run.runAt,
    status: run.status,
    remark: run.remark,
    customerName: run.job.customer.name,
    jobName: run.job.name,
    objects,
    affectedTotal,
    runUrl: runUrl(baseUrl, deps.fallbackBaseUrl, run.id),
    timezone: deps.timezone,
  };
}
