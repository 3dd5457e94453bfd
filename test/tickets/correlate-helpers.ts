import type { Simulator } from '@backupchecks/autotask-simulator';
import type { Database, RunStatus } from '../../src/db/database.ts';
import { formatDateTime } from '../../src/shared/time.ts';
import type { Agent } from '../support/app.ts';
import { makeCreatedTicket, makeCustomerWithRun } from '../support/fixtures.ts';
import { flashes } from './resolve-helpers.ts';

/** Set-up and requests shared by the "Add to ticket" and "Link ticket" tests. */

export const firstObjects = [
  { name: 'HV01', type: 'VM', status: 'error' as const, message: 'Snapshot creation failed' },
];

export const secondObjects = [
  { name: 'FS01', type: 'VM', status: 'warning' as const, message: 'Low free space on the repository' },
  { name: 'HV01', type: 'VM', status: 'error' as const, message: 'Snapshot creation failed <again>' },
  { name: 'DC01', type: 'VM', status: 'success' as const, message: null },
];

/** Another run of a job, after its first. */
export function addRun(
  database: Database,
  jobId: number,
  options: { runAt?: Date; status?: RunStatus; objects?: typeof secondObjects } = {},
) {
  return database.prisma.run.create({
    data: {
      jobId,
      runAt: options.runAt ?? new Date('2026-01-14T01:30:00Z'),
      status: options.status ?? 'error',
      remark: 'Failed: 1 of 3 objects',
      objects: {
        create: (options.objects ?? secondObjects).map((o, position) => ({ position, ...o })),
      },
    },
  });
}

/**
 * A recurring problem: a job whose first run got an Autotask ticket (created by `createdById`) and a
 * second failing run without one.
 */
export async function recurringProblem(
  database: Database,
  sim: Simulator,
  options: { createdById?: number | null; status?: number; companyId?: number } = {},
) {
  const companyId = options.companyId ?? 105;
  const {
    customer,
    job,
    run: first,
  } = await makeCustomerWithRun(database, {
    customerName: 'Acme Dental',
    jobName: 'Practice servers',
    runAt: new Date('2026-01-13T01:30:00Z'),
    objects: firstObjects,
    companyId,
  });
  const { ticket, runTicket: record } = await makeCreatedTicket(database, sim, first.id, {
    companyId,
    createdById: options.createdById ?? null,
    ...(options.status !== undefined ? { status: options.status } : {}),
  });
  const second = await addRun(database, job.id);
  sim.state.clearRequestLog();
  return { customer, job, first, second, ticket, record };
}

export interface Session {
  readonly agent: Agent;
  readonly csrf: string;
}

export function postAddTo(
  who: Session,
  runId: number,
  ticketRecordId: number | string,
  extra: Record<string, string> = {},
) {
  return who.agent
    .post(`/runs/${runId}/ticket/add-to`)
    .type('form')
    .send({ _csrf: who.csrf, ticketRecordId: String(ticketRecordId), returnTo: `/runs/${runId}`, ...extra });
}

export function postLink(who: Session, runId: number, ticketNumber: string) {
  return who.agent
    .post(`/runs/${runId}/ticket/link`)
    .type('form')
    .send({ _csrf: who.csrf, ticketNumber, returnTo: `/runs/${runId}` });
}

/** Follows a POST's redirect and returns the flash messages the page shows. */
export async function flashAfter(who: Session, res: { status: number; headers: Record<string, string> }) {
  if (res.status !== 302) throw new Error(`expected a redirect, got ${res.status}`);
  const page = await who.agent.get(res.headers['location']!);
  return flashes(page.text).join('\n');
}

/** Note POSTs (Tickets/{id}/Notes) the simulator received. */
export const notePosts = (sim: Simulator) =>
  sim.requestLog.filter((e) => e.method === 'POST' && /\/Tickets\/\d+\/Notes$/i.test(e.path));

/** Anything that changes Autotask: a POST outside queries, PATCH, PUT, DELETE. */
export const autotaskWrites = (sim: Simulator) =>
  sim.requestLog.filter(
    (e) => ['PATCH', 'PUT', 'DELETE'].includes(e.method) || (e.method === 'POST' && !/\/query(\/|$)/i.test(e.path)),
  );

/** A time as the pages print it (the app's zone). */
export const shown = (at: Date, timezone: string) => formatDateTime(at, timezone);
