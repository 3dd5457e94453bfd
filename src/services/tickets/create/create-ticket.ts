import {
  AutotaskError,
  isOutcomeUnknown,
  type AutotaskClient,
  type CreatedTicket,
  type NewTicket,
} from '../../autotask/client.ts';
import type { Db, IntegrationSettings, RunStatus, RunTicket } from '../../db/database.ts';
import { NotFoundError, RuleError } from '../../errors/catalogue.ts';
import { audit, type Actor } from '../accounts/audit.ts';
import type { AutotaskAccess } from '../integration/autotask-access.ts';
import { explainAutotaskError } from '../../errors/autotask-messages.ts';
import { refreshCustomerMapping } from '../mapping/company-sync.ts';
import { getIntegrationSettings, integrationBlocker } from '../integration/settings.ts';
import { mappingBlocker } from '../mapping/ticket-blockers.ts';
import { ticketDescription, ticketTitle } from './ticket-content.ts';
import { reconcilePending } from './reconcile.ts';
import {
  claimNew,
  claimRetry,
  createdFieldsFrom,
  decodeProblem,
  findRunTicket,
  isSettleable,
  markCreated,
  markFailed,
  newReference,
  notePending,
  type Problem,
} from './run-ticket-claims.ts';
import { statusLabelFrom } from './status-snapshots.ts';

/**
 * "Create Autotask ticket" for one run (DESIGN.md, the create flow). Exactly one ticket per run:
 *
 *  1. Guards: integration usable, run exists, mapping allows tickets (role: the route).
 *  2. An existing row decides first: created → say so; pending and recent → being created;
 *     pending and old → settle it by reference (never post blindly); failed → retry on the row.
 *  3. Re-read the customer's company (seed §3.3: a deleted company blocks at the last moment).
 *  4. Claim: insert the pending row (the unique run id picks one winner) or take a failed row back
 *     with a conditional update. Only the claimant posts.
 *  5. POST once with externalID = the row's reference, read back the number, mark created.
 *     Rejected → failed with Autotask's words. No answer → stays pending until a lookup settles it.
 */

export interface TicketCreationDeps {
  readonly db: Db;
  readonly autotask: AutotaskAccess;
  /** The Autotask client timeout (AUTOTASK_TIMEOUT_MS): decides when a pending row may be settled. */
  readonly timeoutMs: number;
  /** Zone for the run time in the description. */
  readonly timezone: string;
  /** APP_BASE_URL, used for the run link when Settings has no base URL. */
  readonly fallbackBaseUrl?: string | undefined;
}

export type CreateOutcome =
  /** This click created the ticket. */
  | { readonly kind: 'created'; readonly ticket: RunTicket; readonly label: string }
  /** The ticket of an earlier attempt whose answer was lost was found and attached. */
  | { readonly kind: 'reconciled'; readonly ticket: RunTicket; readonly label: string }
  /** The run already has its ticket. */
  | { readonly kind: 'exists'; readonly ticket: RunTicket; readonly label: string }
  /** Another click (tab, operator, instance) is creating it right now. */
  | { readonly kind: 'in_progress'; readonly ticket: RunTicket; readonly label: string }
  /** Autotask refused; nothing was created and the operator may try again. */
  | { readonly kind: 'failed'; readonly ticket: RunTicket; readonly label: string; readonly problem: Problem }
  /** No usable answer: the ticket may exist. The row stays pending until a lookup settles it. */
  | { readonly kind: 'unknown'; readonly ticket: RunTicket; readonly label: string; readonly problem: Problem };

/** At most this many error/warning objects are read for the description; more never fit in 8,000 characters. */
const DESCRIPTION_OBJECTS = 400;

export function priorityFor(status: RunStatus, s: IntegrationSettings): number {
  // A success run gets a ticket only when an operator decides it needs one (e.g. a suspicious
  // run); Settings has no "success" priority, so it is raised with the warning priority.
  return status === 'error' ? s.priorityErrorId! : s.priorityWarningId!;
}

export function runUrl(settingsBaseUrl: string | null, fallback: string | undefined, runId: number): string | null {
  const base = (settingsBaseUrl || fallback || '').trim().replace(/\/+$/, '');
  return base ? `${base}/runs/${runId}` : null;
}

const loadRun = (db: Db, runId: number) =>
  db.run.findUnique({
    where: { id: runId },
    include: { job: { include: { customer: { include: { mapping: true } } } } },
  });
type LoadedRun = NonNullable<Awaited<ReturnType<typeof loadRun>>>;

export const runLabel = (run: { id: number; job: { name: string; customer: { name: string } } }): string =>
  `run #${run.id} of ${run.job.customer.name} / ${run.job.name}`;

export async function createTicketForRun(
  deps: TicketCreationDeps,
  actor: Actor,
  runId: number,
  clock: () => Date = () => new Date(),
): Promise<CreateOutcome> {
  const { db } = deps;
  const settings = await getIntegrationSettings(db);
  const blocked = integrationBlocker(settings);
  if (blocked) throw new RuleError(`No ticket was created. ${blocked.message}`, blocked.fixUrl);

  const run = await loadRun(db, runId);
  if (!run) throw new NotFoundError('This run does not exist. It may have been removed, or the link is wrong.');
  const label = runLabel(run);
  const client = deps.autotask.client(settings);
  const reconcileDeps = { db, client, picklists: settings.picklists };

  let existing = await findRunTicket(db, runId);
  if (existing?.state === 'created') return { kind: 'exists', ticket: existing, label };
  if (existing?.state === 'pending') {
    if (!isSettleable(existing, clock(), deps.timeoutMs)) return { kind: 'in_progress', ticket: existing, label };
    // An attempt whose answer never came: look before posting again. Attaching needs no mapping
    // check, so this comes before the guards below.
    const settled = await reconcilePending(reconcileDeps, existing, {
      actor,
      via: 'click',
      absentIsFinal: true,
      label,
    });
    existing = await findRunTicket(db, runId);
    if (!existing) throw new Error(`run ticket of run ${runId} disappeared`);
    if (settled.kind === 'attached') return { kind: 'reconciled', ticket: existing, label };
    if (settled.kind === 'unreachable') return { kind: 'unknown', ticket: existing, label, problem: settled.problem };
    const other = outcomeOf(existing, label);
    if (other) return other;
    // absent: the row is failed now and may be retried below.
  }

  const mapping = run.job.customer.mapping;
  const unmapped = mappingBlocker(run.job.customer, mapping);
  if (unmapped) throw new RuleError(`No ticket was created. ${unmapped.message}`, unmapped.fixUrl);

  // The company is read again right before creating: it may have been deleted or made inactive
  // since the last sync. A failed read changes no mapping status and creates nothing.
  const fresh = await refreshCustomerMapping({ db, client }, run.job.customer.id, 'ticket').catch((e: unknown) => {
    if (e instanceof AutotaskError) {
      throw explainAutotaskError(
        e,
        "Backupchecks could not check the customer's Autotask company, so no ticket was created.",
      );
    }
    throw e;
  });
  const stillBlocked = mappingBlocker(run.job.customer, fresh);
  if (stillBlocked) throw new RuleError(`No ticket was created. ${stillBlocked.message}`, stillBlocked.fixUrl);
  const companyId = fresh!.companyId!;

  // Everything the POST needs is prepared before the claim, so the claim's time stamp is the
  // moment the POST leaves (what `settleAfterMs` counts from). The zone is resolved now for the
  // same reason: normally from the cache, without a request.
  const reference = existing?.reference ?? newReference(runId);
  const input = await ticketInput(deps, settings, run, companyId, reference);
  await client.getZone().catch((e: unknown) => {
    if (e instanceof AutotaskError) throw explainAutotaskError(e, 'No ticket was created.');
    throw e;
  });

  const startedAt = clock();
  const claimed =
    existing?.state === 'failed'
      ? await claimRetry(db, existing, actor.id, startedAt)
      : await claimNew(db, runId, reference, actor.id, startedAt);
  if (!claimed) {
    // Someone else got the row first (a double click, another tab or operator, another instance).
    const winner = await findRunTicket(db, runId);
    if (!winner) throw new Error(`run ticket of run ${runId} not found after losing the claim`);
    // A failed winner means another click's attempt was refused a moment ago: show its reason.
    const problem = decodeProblem(winner.lastError) ?? { message: 'Autotask did not create the ticket.' };
    return outcomeOf(winner, label) ?? { kind: 'failed', ticket: winner, label, problem };
  }
  return post(deps, { client, settings, actor, label }, claimed, { ...input, externalId: claimed.reference }, clock);
}

/** What an existing row tells a caller who did not get to post. Null for a failed row (retryable). */
function outcomeOf(row: RunTicket, label: string): CreateOutcome | null {
  if (row.state === 'created') return { kind: 'exists', ticket: row, label };
  if (row.state === 'pending') return { kind: 'in_progress', ticket: row, label };
  return null;
}

async function ticketInput(
  deps: TicketCreationDeps,
  s: IntegrationSettings,
  run: LoadedRun,
  companyId: number,
  reference: string,
): Promise<Omit<NewTicket, 'externalId'>> {
  const affected = { runId: run.id, status: { in: ['error', 'warning'] as RunStatus[] } };
  const [objects, affectedTotal] = await Promise.all([
    deps.db.runObject.findMany({
      where: affected,
      // RunStatus is declared success, warning, error: descending puts errors first.
      orderBy: [{ status: 'desc' }, { position: 'asc' }],
      take: DESCRIPTION_OBJECTS,
    }),
    deps.db.runObject.count({ where: affected }),
  ]);
  const customer = run.job.customer;
  return {
    companyId,
    title: ticketTitle({ customerName: customer.name, jobName: run.job.name, status: run.status }),
    description: ticketDescription({
      customerName: customer.name,
      jobName: run.job.name,
      backupSoftware: run.job.backupSoftware,
      backupType: run.job.backupType,
      status: run.status,
      runAt: run.runAt,
      remark: run.remark,
      objects,
      affectedTotal,
      runUrl: runUrl(s.baseUrl, deps.fallbackBaseUrl, run.id),
      runId: run.id,
      reference,
      timezone: deps.timezone,
    }),
    status: s.newStatusId!,
    priority: priorityFor(run.status, s),
    ...(s.queueId !== null ? { queueId: s.queueId } : {}),
    ...(s.issueTypeId !== null ? { issueType: s.issueTypeId } : {}),
    ...(s.subIssueTypeId !== null ? { subIssueType: s.subIssueTypeId } : {}),
    ...(s.sourceId !== null ? { source: s.sourceId } : {}),
  };
}

interface PostContext {
  readonly client: AutotaskClient;
  readonly settings: IntegrationSettings;
  readonly actor: Actor;
  readonly label: string;
}

/** The one POST of a claimed attempt, and what its answer means for the row. */
async function post(
  deps: TicketCreationDeps,
  ctx: PostContext,
  row: RunTicket,
  input: NewTicket,
  clock: () => Date,
): Promise<CreateOutcome> {
  const { db } = deps;
  const { client, settings, actor, label } = ctx;
  let created: CreatedTicket;
  try {
    created = await client.createTicket(input);
  } catch (e) {
    if (isOutcomeUnknown(e)) return unknownOutcome(deps, ctx, row, e);
    if (e instanceof AutotaskError) {
      // A definite refusal (validation, credentials, permission, rate limit, or a failed read
      // before anything was sent): Autotask holds no ticket from this attempt.
      const problem: Problem = {
        message: `Autotask did not create the ticket. ${explainAutotaskError(e).message}`,
        detail: e.detail,
      };
      await markFailed(db, row, problem);
      await audit(db, actor, {
        action: 'ticket.creation_failed',
        summary: `Autotask refused the ticket for ${label}: ${e.detail ?? e.message}`,
        targetType: 'run',
        targetId: row.runId,
        details: { reference: row.reference, kind: e.kind, status: e.status, message: e.detail ?? e.message },
      });
      return { kind: 'failed', ticket: (await findRunTicket(db, row.runId))!, label, problem };
    }
    // Anything else is our own bug; the row stays pending and is settled by reference later.
    throw e;
  }

  const now = clock();
  const url = await client.ticketUrl(created.id).catch(() => null);
  const fields = created.ticket
    ? createdFieldsFrom(created.ticket, url, statusLabelFrom(settings.picklists, created.ticket.status), now)
    : {
        // Created, but the read-back failed: the id is enough to never lose it; the number and
        // status are read on the next view.
        ticketId: created.id,
        ticketNumber: null,
        url,
        statusId: input.status,
        statusLabel: statusLabelFrom(settings.picklists, input.status),
        statusCheckedAt: null,
        createdAt: now,
      };
  const marked = await markCreated(db, row, fields);
  const stored = (await findRunTicket(db, row.runId))!;
  if (!marked) {
    // Settled by someone else meanwhile, which can only be a lookup that found this very ticket.
    return outcomeOf(stored, label) ?? { kind: 'exists', ticket: stored, label };
  }
  const number = fields.ticketNumber ?? `ID ${created.id}`;
  await audit(db, actor, {
    action: 'ticket.created',
    summary: `Created Autotask ticket ${number} for ${label}`,
    targetType: 'run',
    targetId: row.runId,
    details: {
      ticketId: created.id,
      ticketNumber: fields.ticketNumber,
      reference: row.reference,
      ...(created.readBackError ? { readBackError: created.readBackError.message } : {}),
    },
  });
  return { kind: 'created', ticket: stored, label };
}

/**
 * The POST may or may not have created the ticket. Nothing is sent again: one lookup by reference
 * right away settles the common case (the answer was lost after Autotask created it); otherwise
 * the row stays pending and is settled once the attempt is old enough (next view or click).
 */
async function unknownOutcome(
  deps: TicketCreationDeps,
  ctx: PostContext,
  row: RunTicket,
  e: AutotaskError,
): Promise<CreateOutcome> {
  const { db } = deps;
  const problem: Problem = {
    message:
      'Autotask did not confirm the ticket, so it may or may not exist. Backupchecks looks it up by its reference before anything is sent again; refresh the page in a moment.',
    detail: e.detail ?? e.message,
  };
  await notePending(db, row, problem);
  await audit(db, ctx.actor, {
    action: 'ticket.creation_unknown',
    summary: `Autotask did not confirm the ticket for ${ctx.label} (${e.message}); it will be looked up by reference`,
    targetType: 'run',
    targetId: row.runId,
    details: { reference: row.reference, message: e.detail ?? e.message },
  });
  const settled = await reconcilePending({ db, client: ctx.client, picklists: ctx.settings.picklists }, row, {
    actor: ctx.actor,
    via: 'after-unknown',
    // The POST may still be on its way into Autotask: "none yet" proves nothing.
    absentIsFinal: false,
    label: ctx.label,
  });
  const stored = (await findRunTicket(db, row.runId))!;
  if (settled.kind === 'attached') return { kind: 'reconciled', ticket: stored, label: ctx.label };
  if (stored.state === 'created') return { kind: 'exists', ticket: stored, label: ctx.label };
  return { kind: 'unknown', ticket: stored, label: ctx.label, problem: decodeProblem(stored.lastError) ?? problem };
}
