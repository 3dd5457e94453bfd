import type { Simulator } from '@backupchecks/autotask-simulator';
import type { Database } from '../../src/db/database.ts';
import { SETTINGS_ID } from '../../src/services/integration/settings.ts';
import type { Agent } from '../support/app.ts';

/** Create POSTs the simulator received (queries are POSTs to Tickets/query and do not count). */
export function ticketCreatePosts(sim: Simulator) {
  return sim.requestLog.filter((e) => e.entity === 'Tickets' && e.method === 'POST' && !/\/query/i.test(e.path));
}

/** Every request to the Tickets endpoint (create, read back, queries). */
export const ticketRequests = (sim: Simulator) => sim.requestLog.filter((e) => e.entity === 'Tickets');

/** Tickets in the simulator created for this run (our references start with BC-RUN-<run id>-). */
export function simTicketsOfRun(sim: Simulator, runId: number) {
  return sim.state.tickets.filter((t) => (t.externalID ?? '').startsWith(`BC-RUN-${runId}-`));
}

/** Caches the simulator's ticket status picklist the way the settings service stores it. */
export async function cachePicklists(database: Database, sim: Simulator): Promise<void> {
  const status = sim.state.picklist('Tickets', 'status').map((p) => ({ value: Number(p.value), label: p.label }));
  await database.prisma.integrationSettings.update({
    where: { id: SETTINGS_ID },
    data: { picklists: { status }, picklistsLoadedAt: new Date() },
  });
}

export function postCreate(agent: Agent, csrf: string, runId: number, returnTo = `/runs/${runId}`) {
  return agent.post(`/runs/${runId}/ticket`).type('form').send({ _csrf: csrf, returnTo });
}

/** The run's ticket cell as HTML (from `<div class="run-ticket" id="run-N-ticket">` to its end). */
export function ticketCell(html: string, runId: number): string {
  const start = html.indexOf(`id="run-${runId}-ticket"`);
  if (start === -1) throw new Error(`no ticket cell for run ${runId} on the page`);
  const end = html.indexOf('</div>', html.indexOf('>', start));
  return html.slice(start, end);
}

export const decode = (html: string): string =>
  html
    .replaceAll('&amp;', '&')
    .replaceAll('&#34;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>');
