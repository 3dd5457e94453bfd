import type { Db } from '../../db/database.ts';
import { ValidationError } from '../../errors/catalogue.ts';
import { storeIfKnown } from './ingest-statement.ts';
import type { RunInput } from './run-input.ts';
import { findOrCreateJob, runSelect, type IngestedRun } from './run-writer.ts';
import { findReportByExternalId, storeUnmatched, type UnmatchedReport } from './unmatched.ts';

/**
 * How backup results get in: one run per call (src/services/runs/run-input.ts says what a call
 * holds). A run whose customer is found by name or alias is stored as a run; a well-formed run
 * for a customer nobody knows yet is kept as an unmatched report (src/services/runs/unmatched.ts)
 * instead of refused, so no backup result is lost while an admin adds the customer.
 */

export type IngestOutcome =
  | { readonly state: 'matched'; readonly run: IngestedRun; readonly created: boolean }
  | { readonly state: 'unmatched'; readonly report: UnmatchedReport; readonly created: boolean };

export interface IngestSource {
  /** The API token that sent the run, kept with an unmatched report. */
  readonly apiTokenId: number | null;
}

/**
 * Stores one run with its objects, or keeps it as unmatched. The same `externalId` again returns
 * what was stored the first time and changes nothing, so a sender may retry after a timeout
 * without creating duplicates. Runs are looked up before unmatched reports, because assigning a
 * report moves its externalId onto the run it becomes. A run of a known job is stored by one
 * statement (ingest-statement.ts); a resend, a job's first run and an unknown customer cost a few more.
 */
export async function ingestRun(db: Db, input: RunInput, source: IngestSource): Promise<IngestOutcome> {
  let attempt = await storeIfKnown(db, input);
  if (attempt.stored && input.externalId) {
    const existing = await findStored(db, input.externalId);
    if (existing) return existing;
  }

  const customer = attempt.customer;
  if (!customer) return { state: 'unmatched', ...(await storeUnmatched(db, input, source.apiTokenId)) };
  if (!customer.active) {
    throw new ValidationError(
      {
        customer: `Customer "${customer.name}" is deactivated; runs for it are not accepted. Reactivate it on the Customers page to accept them again.`,
      },
      'The customer is deactivated.',
    );
  }
  if (attempt.jobId === null) {
    // The job's first run: create the job, then store the run as any other.
    await findOrCreateJob(db, customer.id, input.job);
    attempt = await storeIfKnown(db, input);
  }
  if (attempt.runId !== null && attempt.jobId !== null) {
    const { externalId, status, runAt } = input;
    return {
      state: 'matched',
      created: true,
      run: { id: attempt.runId, jobId: attempt.jobId, externalId, status, runAt },
    };
  }

  // A retry that raced its own first attempt: the unique externalId let the first one win.
  const existing = input.externalId ? await findStored(db, input.externalId) : null;
  if (existing) return existing;
  throw new Error(`The run with externalId ${input.externalId} was neither stored nor found.`);
}

/**
 * What an externalId was stored as: a run, or a report still waiting. Two tables cannot share one
 * unique index; checking both before writing keeps a resend from being stored twice, and only two
 * first attempts of one externalId sent at the same moment while the customer is being added could
 * still land in both.
 */
async function findStored(db: Db, externalId: string): Promise<IngestOutcome | null> {
  const run = await db.run.findUnique({ where: { externalId }, select: runSelect });
  if (run) return { state: 'matched', run, created: false };
  const report = await findReportByExternalId(db, externalId);
  if (report) return { state: 'unmatched', report, created: false };
  return null;
}
