import { expect } from 'vitest';
import type { Simulator } from '@backupchecks/autotask-simulator';
import type { Database } from '../../src/db/database.ts';
import type { Agent } from '../support/app.ts';
import { makeCreatedTicket, makeCustomerWithRun } from '../support/fixtures.ts';
import { decode } from './resolve-helpers.ts';

/** Helpers shared by the "Add note" tests (notes.test.ts, notes-faults.test.ts). */

export interface Who {
  readonly agent: Agent;
  readonly csrf: string;
}

/** A run whose Autotask ticket exists, in Backupchecks and in the simulator. */
export async function runWithTicket(database: Database, sim: Simulator) {
  const { run } = await makeCustomerWithRun(database, { companyId: 105 });
  const { ticket, runTicket } = await makeCreatedTicket(database, sim, run.id);
  return { run, ticket, runTicket };
}

/** Opens the "Add note" page; returns it with the one-time key rendered into its form. */
export async function openNoteForm(who: Who, runId: number, returnTo?: string) {
  const query = returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : '';
  const page = await who.agent.get(`/runs/${runId}/ticket/notes/new${query}`);
  expect(page.status).toBe(200);
  return { html: page.text, key: submissionKeyOf(page.text) };
}

export function submissionKeyOf(html: string): string {
  const match = /name="submissionKey" value="([^"]*)"/.exec(html);
  if (!match) throw new Error('no submission key on the page');
  return match[1]!;
}

/** Submits the "Add note" form as the browser would (without following the redirect). */
export function submitNote(
  who: Who,
  runId: number,
  form: { text: string; key: string; visibility?: string; returnTo?: string },
) {
  return who.agent
    .post(`/runs/${runId}/ticket/notes`)
    .type('form')
    .send({
      _csrf: who.csrf,
      text: form.text,
      visibility: form.visibility ?? 'internal',
      submissionKey: form.key,
      returnTo: form.returnTo ?? `/runs/${runId}`,
    });
}

/** The note POSTs (`POST Tickets/{id}/Notes`) that reached the simulator. */
export const noteWrites = (sim: Simulator) =>
  sim.requestLog.filter((e) => e.method === 'POST' && /\/Tickets\/\d+\/Notes$/i.test(e.path));

/** Reads of the ticket's notes (`TicketNotes/query`): how a lost answer is looked for. */
export const noteReads = (sim: Simulator) =>
  sim.requestLog.filter((e) => e.entity === 'TicketNotes' && /\/query/i.test(e.path));

/** The textarea's content as the page shows it (decoded). */
export function textareaOf(html: string): string {
  const match = /<textarea id="note-text"[^>]*>([\s\S]*?)<\/textarea>/.exec(html);
  if (!match) throw new Error('no note textarea on the page');
  return decode(match[1]!);
}

/** The notes list of the run page as HTML (empty when the page has none). */
export function notesSection(html: string): string {
  const start = html.indexOf('<section class="ticket-notes"');
  return start === -1 ? '' : html.slice(start, html.indexOf('</section>', start));
}
