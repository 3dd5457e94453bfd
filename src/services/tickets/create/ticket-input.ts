import type { CompanyMapping, Db, RunStatus } from '../../../db/database.ts';
import { paths } from '../../../paths.ts';
import type { AutotaskProfile } from '../../../psa/autotask/profile.ts';
import type { NewRunTicket, PsaProfile } from '../../../psa/port.ts';
import { SETTINGS_ID } from '../../integration/settings.ts';
import { loadRunContext, type RunContext } from '../../runs/run-context.ts';
import { ticketDescription, ticketTitle } from '../ticket-content.ts';
import type { TicketCreationDeps } from './context.ts';

/**
 * What the ticket POST sends for a run, in the product's terms (`NewRunTicket`): its text from the
 * run, its severity from the run's status, the company and contact from the mapping. The PSA's own
 * fields (queue or board, priorities, the fields tenants require) are the adapter's
 * (`src/psa/autotask/adapter.ts`, `src/psa/connectwise/adapter.ts`).
 */

/** At most this many error/warning objects are read for the description; more never fit in 8,000 characters. */
const DESCRIPTION_OBJECTS = 400;

/**
 * The run with everything its ticket is built from and guarded by (job, customer, mapping, the
 * ticket it already points at, its error and warning objects), in one statement.
 */
export const loadRun = (db: Db, runId: number): Promise<LoadedRun | null> =>
  loadRunContext(db, runId, { statuses: ['error', 'warning'], limit: DESCRIPTION_OBJECTS });
export type LoadedRun = RunContext;

export function severityFor(status: RunStatus): NewRunTicket['severity'] {
  // A success run gets a ticket only when an operator decides it needs one (e.g. a suspicious
  // run); the settings have no "success" priority, so it is raised with the warning priority. A
  // missed run is followed up like an error: no backup was made at all.
  return status === 'error' || status === 'missed' ? 'error' : 'warning';
}

export function runUrl(settingsBaseUrl: string | null, fallback: string | undefined, runId: number): string | null {
  const base = (settingsBaseUrl || fallback || '').trim().replace(/\/+$/, '');
  return base ? `${base}${paths.runs.show(runId)}` : null;
}

/**
 * The Backupchecks base URL for run links: the installation's, on the IntegrationSettings row
 * whichever PSA is active (src/services/integration/installation-settings.ts). With Autotask
 * active the profile already carries that row, so it is not read again.
 */
export async function settingsBaseUrl(db: Db, profile: PsaProfile): Promise<string | null> {
  if (profile.psa === 'autotask') return (profile as AutotaskProfile).row.baseUrl;
  const row = await db.integrationSettings.findUnique({ where: { id: SETTINGS_ID }, select: { baseUrl: true } });
  return row?.baseUrl ?? null;
}

/** The create's fields, from the loaded run (its error and warning objects came with it). */
export function runTicketInput(
  deps: Pick<TicketCreationDeps, 'timezone' | 'fallbackBaseUrl'>,
  baseUrl: string | null,
  run: LoadedRun,
  companyId: number,
  reference: string,
): NewRunTicket {
  const { objects, objectTotal: affectedTotal } = run;
  const customer = run.job.customer;
  const contactId = contactFor(customer.mapping, companyId);
  return {
    companyId,
    ...(contactId !== null ? { contactId } : {}),
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
      runUrl: runUrl(baseUrl, deps.fallbackBaseUrl, run.id),
      runId: run.id,
      reference,
      timezone: deps.timezone,
    }),
    severity: severityFor(run.status),
    reference,
  };
}

/** The customer's default contact belongs to the company it was chosen for, so it goes only to that company. */
export function contactFor(
  mapping: Pick<CompanyMapping, 'companyId' | 'contactId'> | null,
  companyId: number,
): number | null {
  return mapping?.companyId === companyId ? mapping.contactId : null;
}
