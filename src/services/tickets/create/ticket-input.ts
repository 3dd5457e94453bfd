import type { NewTicket } from '../../../autotask/client.ts';
import type { CompanyMapping, Db, IntegrationSettings, RunStatus } from '../../../db/database.ts';
import { paths } from '../../../paths.ts';
import { loadRunContext, type RunContext } from '../../runs/run-context.ts';
import { ticketDescription, ticketTitle } from '../ticket-content.ts';
import type { TicketCreationDeps } from './context.ts';

/** What the ticket POST sends for a run: its fields from Settings, its text from the run. */

/** At most this many error/warning objects are read for the description; more never fit in 8,000 characters. */
const DESCRIPTION_OBJECTS = 400;

/**
 * The run with everything its ticket is built from and guarded by (job, customer, mapping, the
 * ticket it already points at, its error and warning objects), in one statement.
 */
export const loadRun = (db: Db, runId: number): Promise<LoadedRun | null> =>
  loadRunContext(db, runId, { statuses: ['error', 'warning'], limit: DESCRIPTION_OBJECTS });
export type LoadedRun = RunContext;

export function priorityFor(status: RunStatus, s: IntegrationSettings): number {
  // A success run gets a ticket only when an operator decides it needs one (e.g. a suspicious
  // run); Settings has no "success" priority, so it is raised with the warning priority. A missed
  // run is followed up like an error: no backup was made at all.
  return status === 'error' || status === 'missed' ? s.priorityErrorId! : s.priorityWarningId!;
}

export function runUrl(settingsBaseUrl: string | null, fallback: string | undefined, runId: number): string | null {
  const base = (settingsBaseUrl || fallback || '').trim().replace(/\/+$/, '');
  return base ? `${base}${paths.runs.show(runId)}` : null;
}

/** The create's fields, from the loaded run (its error and warning objects came with it) and Settings. */
export function ticketInput(
  deps: Pick<TicketCreationDeps, 'timezone' | 'fallbackBaseUrl'>,
  s: IntegrationSettings,
  run: LoadedRun,
  companyId: number,
  reference: string,
): Omit<NewTicket, 'externalId'> {
  const { objects, objectTotal: affectedTotal } = run;
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
    ...tenantFields(s, customer.mapping, companyId),
  };
}

/**
 * The fields many tenants require on a new ticket (docs/autotask.md, Tickets), each sent only
 * when set: Work Type, ticket category and type from Settings, and the customer's default contact.
 * The contact belongs to the company it was chosen for, so it goes only to that company.
 */
export function tenantFields(
  s: Pick<IntegrationSettings, 'billingCodeId' | 'ticketCategoryId' | 'ticketTypeId'>,
  mapping: Pick<CompanyMapping, 'companyId' | 'contactId'> | null,
  companyId: number,
): Pick<NewTicket, 'billingCodeId' | 'ticketCategory' | 'ticketType' | 'contactId'> {
  const contactId = mapping?.companyId === companyId ? mapping.contactId : null;
  return {
    ...(s.billingCodeId !== null ? { billingCodeId: s.billingCodeId } : {}),
    ...(s.ticketCategoryId !== null ? { ticketCategory: s.ticketCategoryId } : {}),
    ...(s.ticketTypeId !== null ? { ticketType: s.ticketTypeId } : {}),
    ...(contactId !== null ? { contactId } : {}),
  };
}
