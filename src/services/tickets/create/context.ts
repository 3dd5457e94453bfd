import type { Db, TicketRecord } from '../../../db/database.ts';
import type { PsaClient, PsaProfile } from '../../../psa/port.ts';
import type { Actor } from '../../accounts/audit.ts';
import type { RunContext } from '../../runs/run-context.ts';
import type { WriteRetryOptions } from '../retry-write.ts';
import type { Problem } from '../run-ticket-claims.ts';

/** What the steps of "Create ticket" share, and the outcomes a click ends with. */

export interface TicketCreationDeps {
  readonly db: Db;
  /** The active PSA's profile, read once per request (`requestProfile`): the ticket goes there. */
  readonly profile: PsaProfile;
  /** The PSA client timeout (AUTOTASK_TIMEOUT_MS): decides when a pending row may be settled. */
  readonly timeoutMs: number;
  /** Zone for the run time in the description. */
  readonly timezone: string;
  /**
   * The Backupchecks base URL saved in Settings (the installation's, on the IntegrationSettings row
   * whichever PSA is active), from the row the request has already read (`requestSettings`): the
   * run link is built from it without reading the row again.
   */
  readonly settingsBaseUrl: string | null;
  /** APP_BASE_URL, used for the run link when Settings has no base URL. */
  readonly fallbackBaseUrl?: string | undefined;
  /** Waits before a create refused by Autotask's thread threshold is sent again (`../retry-write.ts`). */
  readonly writeRetry?: WriteRetryOptions | undefined;
  /**
   * Starts work once the click's answer has been sent (`deferAfterResponse`): reading the new
   * ticket's number and status back and syncing the company's name (`after-create.ts`).
   */
  readonly afterResponse: (task: () => Promise<void>) => void;
}

/** One click's attempt, once the guards have passed. */
export interface CreateContext {
  readonly deps: TicketCreationDeps;
  readonly profile: PsaProfile;
  readonly client: PsaClient;
  readonly actor: Actor;
  /** `runLabel(run)`, for messages and audit summaries. */
  readonly label: string;
  /** The run with its job, customer, mapping and ticket, as loaded before the guards. */
  readonly run: RunContext;
}

export type CreateOutcome =
  /** This click created the ticket. */
  | { readonly kind: 'created'; readonly ticket: TicketRecord; readonly label: string }
  /** The ticket of an earlier attempt whose answer was lost was found and attached. */
  | { readonly kind: 'reconciled'; readonly ticket: TicketRecord; readonly label: string }
  /** The run already has its ticket. */
  | { readonly kind: 'exists'; readonly ticket: TicketRecord; readonly label: string }
  /** Another click (tab, operator, instance) is creating it right now. */
  | { readonly kind: 'in_progress'; readonly ticket: TicketRecord; readonly label: string }
  /** The PSA refused; nothing was created and the operator may try again. */
  | { readonly kind: 'failed'; readonly ticket: TicketRecord; readonly label: string; readonly problem: Problem }
  /** No usable answer: the ticket may exist. The row stays pending until a lookup settles it. */
  | { readonly kind: 'unknown'; readonly ticket: TicketRecord; readonly label: string; readonly problem: Problem };

/** What an existing row tells a caller who did not get to post. Null for a failed row (retryable). */
export function outcomeOf(row: TicketRecord, label: string): CreateOutcome | null {
  if (row.state === 'created') return { kind: 'exists', ticket: row, label };
  if (row.state === 'pending') return { kind: 'in_progress', ticket: row, label };
  return null;
}

/** "run #12 of Acme / Nightly". */
export const runLabel = (run: { id: number; job: { name: string; customer: { name: string } } }): string =>
  `run #${run.id} of ${run.job.customer.name} / ${run.job.name}`;
