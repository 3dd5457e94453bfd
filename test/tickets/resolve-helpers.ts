import type { RequestLogEntry, Simulator, SimulatorState } from '@backupchecks/autotask-simulator';
import type { Agent } from '../support/app.ts';

/** Helpers shared by the resolve tests: what Autotask was sent, and what the operator was told. */

/** Anything that changes Autotask: POST outside `/query`, PATCH, PUT, DELETE. Queries are POSTs too. */
export function isWrite(e: RequestLogEntry): boolean {
  if (e.method === 'PATCH' || e.method === 'PUT' || e.method === 'DELETE') return true;
  return e.method === 'POST' && !/\/query(\/|$)/i.test(e.path);
}

export const writes = (sim: Simulator) => sim.requestLog.filter(isWrite);
export const notePosts = (sim: Simulator) =>
  sim.requestLog.filter((e) => e.method === 'POST' && /\/Tickets\/\d+\/Notes$/i.test(e.path));
export const statusPatches = (sim: Simulator) =>
  sim.requestLog.filter((e) => e.method === 'PATCH' && e.entity === 'Tickets');
export const timeEntryCalls = (sim: Simulator) => sim.requestLog.filter((e) => e.entity === 'TimeEntries');

/** The resolve's API calls in order as `METHOD path` after `V1.0/`, ids replaced by `{id}`. */
export function callSequence(sim: Simulator): string[] {
  return (
    sim.requestLog
      // Ticket queries come from the run pages' status upkeep, which runs after a page is sent.
      .filter(
        (e) => e.entity !== 'zoneInformation' && e.entity !== 'versionInformation' && !/\/Tickets\/query/i.test(e.path),
      )
      .map((e) => `${e.method} ${e.path.replace(/^.*?\/v1\.0\//i, '').replace(/\/\d+/g, '/{id}')}`)
  );
}

const entities: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&#34;': '"',
};
export const decode = (html: string): string => html.replace(/&(amp|lt|gt|quot|#39|#34);/g, (m) => entities[m] ?? m);

/** The flash messages on a page, as text (tags stripped, entities decoded, spaces collapsed). */
export function flashes(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<div class="flash flash-(\w+)"[^>]*>([\s\S]*?)<\/div>/g)) {
    out.push(
      `${m[1]}: ${decode(m[2]!.replace(/<[^>]+>/g, ' '))
        .replace(/\s+/g, ' ')
        .trim()}`,
    );
  }
  return out;
}

/** POSTs the resolve form and follows the redirect; returns where it went and what it said. */
export async function postResolve(
  who: { agent: Agent; csrf: string },
  runId: number,
  body: Record<string, string> = {},
): Promise<{ status: number; location: string; flash: string }> {
  const res = await who.agent
    .post(`/runs/${runId}/ticket/resolve`)
    .type('form')
    .send({ _csrf: who.csrf, ...body });
  const location = String(res.headers.location ?? '');
  const page = location ? await who.agent.get(location) : null;
  return { status: res.status, location, flash: page ? flashes(page.text).join('\n') : '' };
}

/**
 * Runs `fn` inside the simulator the moment it creates a ticket note, before it answers: what an
 * Autotask user does in the UI between our note and our close. The simulator has no request hook,
 * so this wraps the id allocation of its state (called exactly when a note is created), once.
 */
export function onNextNoteCreated(sim: Simulator, fn: () => void): void {
  const state: SimulatorState = sim.state;
  const original = state.nextId.bind(state);
  state.nextId = (collection) => {
    const id = original(collection);
    if (collection === 'ticketNotes') {
      state.nextId = original;
      fn();
    }
    return id;
  };
}
