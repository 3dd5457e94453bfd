/**
 * The Autotask web UI link target (docs/autotask.md, Ticket links):
 * `{webUrl}Autotask/AutotaskExtend/ExecuteCommand.aspx?Code=OpenTicketDetail&TicketID={id}` (or
 * `&TicketNumber=`). The real one needs a logged-in user and opens the ticket; this renders a small
 * read-only page so links from the app work in a browser during the demo.
 */
import { html, layout, sendPage, table, type SafeHtml } from '@backupchecks/simulator-kit';
import type { Request, Response, NextFunction } from 'express';
import { queryParam } from '../case-insensitive.ts';
import type { SimulatorState } from '../store.ts';
import type { Ticket } from '../types.ts';

export const EXECUTE_COMMAND_PATH = '/Autotask/AutotaskExtend/ExecuteCommand.aspx';

export function ticketPageUrl(webUrl: string, ticketId: number): string {
  return `${webUrl}Autotask/AutotaskExtend/ExecuteCommand.aspx?Code=OpenTicketDetail&TicketID=${ticketId}`;
}

export function webHandler(state: SimulatorState) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const url = new URL(req.originalUrl, 'http://simulator.invalid');
    if (url.pathname.replace(/\/+$/, '').toLowerCase() !== EXECUTE_COMMAND_PATH.toLowerCase()) {
      next();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.status(405).set('Allow', 'GET').end();
      return;
    }
    const params = url.searchParams;
    const code = queryParam(params, 'Code') ?? '';
    if (code.toLowerCase() !== 'openticketdetail') {
      sendPage(
        res,
        400,
        message('Unsupported command', `This simulator only opens tickets (Code=OpenTicketDetail); got "${code}".`),
      );
      return;
    }
    const idText = queryParam(params, 'TicketID');
    const number = queryParam(params, 'TicketNumber');
    let ticket: Ticket | undefined;
    if (idText !== undefined && /^\d+$/.test(idText.trim())) ticket = state.ticket(Number(idText));
    else if (number !== undefined) ticket = state.ticketByNumber(number);
    if (!ticket) {
      sendPage(
        res,
        404,
        message(
          'Ticket not found',
          `No ticket matches ${idText !== undefined ? `TicketID=${idText}` : `TicketNumber=${number ?? ''}`}.`,
        ),
      );
      return;
    }
    sendPage(res, 200, ticketPage(state, ticket));
  };
}

function message(title: string, text: string): SafeHtml {
  return layout(
    `${title} — Autotask (simulator)`,
    html`<p class="banner">Autotask simulator</p>
      <h1>${title}</h1>
      <p>${text}</p>`,
  );
}

function ticketPage(state: SimulatorState, ticket: Ticket): SafeHtml {
  const company = state.company(ticket.companyID);
  const label = (field: string, value: number | null) =>
    value === null ? '—' : `${state.picklistLabel('Tickets', field, value) ?? 'Unknown'} (${value})`;
  const notes = state.notesOf(ticket.id);
  const entries = state.timeEntriesOf(ticket.id);
  const companyText = company
    ? `${company.companyName} (${company.id})${company.isActive ? '' : ' — inactive'}`
    : `Company ${ticket.companyID} (deleted)`;
  const body = html`<p class="banner">Autotask simulator — a stand-in for the Autotask ticket page.</p>
    <h1>${ticket.ticketNumber} · ${ticket.title}</h1>
    <dl>
      <dt>Ticket ID</dt>
      <dd>${ticket.id}</dd>
      <dt>Company</dt>
      <dd>${companyText}</dd>
      <dt>Status</dt>
      <dd>${label('status', ticket.status)}</dd>
      <dt>Priority</dt>
      <dd>${label('priority', ticket.priority)}</dd>
      <dt>Queue</dt>
      <dd>${label('queueID', ticket.queueID)}</dd>
      <dt>Issue type</dt>
      <dd>${label('issueType', ticket.issueType)}</dd>
      <dt>Sub-issue type</dt>
      <dd>${label('subIssueType', ticket.subIssueType)}</dd>
      <dt>Source</dt>
      <dd>${label('source', ticket.source)}</dd>
      <dt>Ticket type</dt>
      <dd>${label('ticketType', ticket.ticketType)}</dd>
      <dt>External ID</dt>
      <dd>${ticket.externalID ?? '—'}</dd>
      <dt>Created</dt>
      <dd>${ticket.createDate}</dd>
      <dt>Completed</dt>
      <dd>${ticket.completedDate ?? '—'}</dd>
      <dt>Description</dt>
      <dd class="pre">${ticket.description ?? ''}</dd>
    </dl>
    <h2>Notes (${notes.length})</h2>
    ${
      notes.length === 0
        ? html`<p>No notes.</p>`
        : table(
            ['Created', 'Title', 'Type', 'Publish', 'Description'],
            notes.map(
              (n) =>
                html`<tr>
                  <td>${n.createDateTime}</td>
                  <td>${n.title}</td>
                  <td>${state.picklistLabel('TicketNotes', 'noteType', n.noteType) ?? n.noteType}</td>
                  <td>${state.picklistLabel('TicketNotes', 'publish', n.publish) ?? n.publish}</td>
                  <td class="pre">${n.description}</td>
                </tr> `,
            ),
          )
    }
    <h2>Time entries (${entries.length})</h2>
    ${
      entries.length === 0
        ? html`<p>No time entries.</p>`
        : table(
            ['Date', 'Hours', 'Billable', 'Summary'],
            entries.map(
              (e) =>
                html`<tr>
                  <td>${e.dateWorked.slice(0, 10)}</td>
                  <td>${e.hoursWorked}</td>
                  <td>${e.isNonBillable ? 'No' : 'Yes'}</td>
                  <td>${e.summaryNotes ?? ''}</td>
                </tr> `,
            ),
          )
    }
    <p><a href="/__sim/">Simulator control page</a></p>`;
  return layout(`${ticket.ticketNumber} — Autotask (simulator)`, body);
}
