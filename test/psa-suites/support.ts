import { expect } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { nameKeyOf } from '../../src/services/customers/customers.ts';
import { settleDeferredWork } from '../../src/shared/deferred-work.ts';
import type { Agent } from '../support/app.ts';
import type { AppWithPsa, CompanyRef } from '../support/psa-harness.ts';
import { decode, postCreate, ticketCell } from '../tickets/helpers.ts';

/** What the shared PSA suites (create, resolve, mapping, switching) use besides the harness. */

export { decode, postCreate, ticketCell };
export { postResolve } from '../tickets/resolve-helpers.ts';

type Session = { readonly agent: Agent; readonly csrf: string };

/** One message on a page: its type, our sentence, and the PSA's own words shown under it. */
export interface Flash {
  readonly type: string;
  readonly text: string;
  /** "<PSA> said: <q>…</q>" as shown, decoded; null when there was none. */
  readonly said: string | null;
}

const textOf = (html: string) =>
  decode(html.replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();

/** The flash messages of a page, our sentence and the PSA's words apart. */
export function flashesOf(html: string): Flash[] {
  const out: Flash[] = [];
  for (const m of html.matchAll(/<div class="flash flash-(\w+)"[^>]*>\s*<p>([\s\S]*?)<\/p>([\s\S]*?)<\/div>/g)) {
    const upstream = /<p class="upstream">([\s\S]*?)<\/p>/.exec(m[3]!);
    out.push({ type: m[1]!, text: textOf(m[2]!), said: upstream ? decode(upstream[1]!).trim() : null });
  }
  return out;
}

/** The run's ticket cell as text (tags stripped, entities decoded). */
export const ticketCellText = (html: string, runId: number): string => textOf(ticketCell(html, runId));

export const rowOf = (database: Database, runId: number) =>
  database.prisma.ticket.findUniqueOrThrow({ where: { originRunId: runId } });

export const auditActions = async (database: Database, prefix: string) =>
  (
    await database.prisma.auditEvent.findMany({ where: { action: { startsWith: prefix } }, orderBy: { id: 'asc' } })
  ).map((e) => e.action);

/** "Create ticket" through the app, its after-response work done; the run's row and the PSA's ticket. */
export async function createThroughApp(suite: AppWithPsa, who: Session, runId: number) {
  const res = await postCreate(who.agent, who.csrf, runId);
  expect(res.status).toBe(302);
  await settleDeferredWork();
  const row = await rowOf(suite.db, runId);
  expect(row.state).toBe('created');
  const ticket = suite.drivers(row.psaType === 'connectwise' ? 'connectwise' : 'autotask').ticket(row.ticketId!);
  expect(ticket).toBeDefined();
  return { row, ticket: ticket! };
}

/** A customer, optionally mapped (status `ok`) to `company` of the suite's PSA, straight through Prisma. */
export async function addCustomer(suite: AppWithPsa, name: string, company?: CompanyRef) {
  return suite.db.prisma.customer.create({
    data: {
      name,
      nameKey: nameKeyOf(name),
      ...(company
        ? {
            mapping: {
              create: {
                psaType: suite.psa,
                companyId: company.id,
                companyName: company.name,
                status: 'ok',
                lastSyncAt: new Date(),
                mappedAt: new Date(),
              },
            },
          }
        : {}),
    },
  });
}

/** A run of an existing job (a recurring problem, or the next night's failure). */
export const addRunOfJob = (database: Database, jobId: number) =>
  database.prisma.run.create({ data: { jobId, runAt: new Date(), status: 'error', remark: 'Failed: 1 of 2 objects' } });

/** Pretends the pending attempt began a minute ago: old enough that no answer can still come. */
export const ageAttempt = (database: Database, runId: number) =>
  database.prisma.ticket.update({
    where: { originRunId: runId },
    data: { attemptStartedAt: new Date(Date.now() - 60_000) },
  });

export const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
