/** The `/__sim/` HTML page: plain forms, no script, every value escaped (the simulator kit's html.ts). */
import {
  clearAndReset,
  faultsSection,
  html,
  layout,
  notices,
  requestsSection,
  sendPage,
  table,
  type SafeHtml,
} from '@backupchecks/simulator-kit';
import type { Request, Response } from 'express';
import { FAULT_FORMS, settingsSection } from './control-page-faults.ts';
import type { Faults } from './faults.ts';
import type { ConnectWiseState } from './store.ts';

export function renderControlPage(req: Request, res: Response, state: ConnectWiseState, faults: Faults): void {
  const site = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  const { companyId, publicKey, privateKey, clientId } = state.credentials;
  const authorization = `Basic ${Buffer.from(`${companyId}+${publicKey}:${privateKey}`).toString('base64')}`;

  const body = html`<h1>ConnectWise PSA simulator</h1>
    <p class="banner">
      Not ConnectWise. A local stand-in that speaks the ConnectWise PSA REST API v3.0 wire format, for tests and trials.
    </p>
    ${notices(req)}

    <h2>Connection</h2>
    <dl>
      <dt>Site</dt>
      <dd><code>${site}</code></dd>
      <dt>API base URL</dt>
      <dd><code>${site}/${state.settings.codebase}/apis/3.0</code></dd>
      <dt>Company id</dt>
      <dd><code>${companyId}</code></dd>
      <dt>Public key</dt>
      <dd><code>${publicKey}</code></dd>
      <dt>Private key</dt>
      <dd><code>${privateKey}</code></dd>
      <dt>clientId header</dt>
      <dd><code>${clientId}</code></dd>
      <dt>Authorization header</dt>
      <dd><code>${authorization}</code></dd>
    </dl>

    ${faultsSection(faults.snapshot(), FAULT_FORMS)} ${clearAndReset()} ${settingsSection(state)}
    ${ticketsSection(state)} ${timeEntriesSection(state)} ${companiesSection(state)}
    ${requestsSection(state.requestLog, { heading: 'Query', cell: (r) => decodeQuery(r.query) })}
    <p>
      JSON: <a href="/__sim/state">state</a> · <a href="/__sim/faults">faults</a> ·
      <a href="/__sim/requests">requests</a> · <a href="/__sim/credentials">credentials</a>
    </p>`;
  sendPage(res, 200, layout('ConnectWise PSA simulator', body));
}

function ticketsSection(state: ConnectWiseState): SafeHtml {
  return html`<h2>Tickets (${state.tickets.length})</h2>
    ${table(
      ['ID', 'Summary', 'Company', 'Board', 'Status', 'Time entries', 'Actions'],
      state.tickets.map((t) => {
        const entries = state.timeEntries.filter((e) => e.chargeToType === 'ServiceTicket' && e.chargeToId === t.id);
        const billable = entries.filter((e) => e.billableOption === 'Billable').length;
        const hidden = entries.filter((e) => e.hiddenFromApiMember).length;
        const statuses = state.statuses.filter((s) => s.boardId === t.boardId && !s.inactive);
        return html`<tr>
          <td>${t.id}</td>
          <td>${t.summary}${t.externalXRef ? html`<br /><small>ref ${t.externalXRef}</small>` : ''}</td>
          <td>${state.company(t.companyId)?.name ?? `(unknown ${t.companyId})`}</td>
          <td>${state.board(t.boardId)?.name ?? t.boardId}</td>
          <td>${state.status(t.statusId)?.name ?? t.statusId}${t.closedFlag ? ' (closed)' : ''}</td>
          <td>${entries.length} (${billable} billable, ${hidden} hidden)</td>
          <td>
            ${timeEntryButton(t.id, 'Billable', false, '+ billable')}
            ${timeEntryButton(t.id, 'DoNotBill', false, '+ non-billable')}
            ${timeEntryButton(t.id, 'Billable', true, '+ hidden billable')}
            <form class="inline" method="post" action="/__sim/tickets/${t.id}/time-entries/delete">
              <button type="submit">Remove time entries</button>
            </form>
            <form class="inline" method="post" action="/__sim/tickets/${t.id}/status">
              <select name="statusId" aria-label="Status of ticket ${t.id}">
                ${statuses.map((s) => html`<option value="${s.id}" ${s.id === t.statusId ? html` selected` : ''}>${s.name}</option>`)}</select
              ><button type="submit">Set status</button>
            </form>
          </td>
        </tr>`;
      }),
    )}`;
}

function timeEntryButton(ticketId: number, option: string, hidden: boolean, label: string): SafeHtml {
  return html`<form class="inline" method="post" action="/__sim/tickets/${ticketId}/time-entries">
    <input type="hidden" name="billableOption" value="${option}" />
    <input type="hidden" name="hidden" value="${hidden ? 'true' : 'false'}" />
    <button type="submit">${label}</button>
  </form>`;
}

function timeEntriesSection(state: ConnectWiseState): SafeHtml {
  return html`<h2>Time entries (${state.timeEntries.length})</h2>
    ${table(
      ['ID', 'Charged to', 'Member', 'Billable option', 'Hours', 'API member sees it'],
      state.timeEntries.map(
        (e) =>
          html`<tr>
            <td>${e.id}</td>
            <td>${e.chargeToType} ${e.chargeToId}</td>
            <td>${state.member(e.memberId)?.identifier ?? e.memberId}</td>
            <td>${e.billableOption}</td>
            <td>${e.actualHours}</td>
            <td>
              ${e.hiddenFromApiMember ? 'no' : 'yes'}
              <form class="inline" method="post" action="/__sim/time-entries/${e.id}/visibility">
                <input type="hidden" name="hidden" value="${e.hiddenFromApiMember ? 'false' : 'true'}" />
                <button type="submit">${e.hiddenFromApiMember ? 'Show' : 'Hide'}</button>
              </form>
            </td>
          </tr>`,
      ),
    )}`;
}

function companiesSection(state: ConnectWiseState): SafeHtml {
  return html`<h2>Companies (${state.companies.length})</h2>
    <form class="inline" method="post" action="/__sim/companies">
      <label>name <input type="text" name="name" required maxlength="50" /></label>
      <label>identifier <input type="text" name="identifier" maxlength="30" /></label>
      <button type="submit">Add company</button>
    </form>
    ${table(
      ['ID', 'Identifier', 'Name', 'Status', 'Actions'],
      state.companies.map(
        (c) =>
          html`<tr${c.deletedFlag ? html` class="inactive"` : ''}>
              <td>${c.id}</td>
              <td>${c.identifier}</td>
              <td>${c.name}</td>
              <td>${state.companyStatus(c.statusId)?.name ?? c.statusId}${c.deletedFlag ? ' (deleted)' : ''}</td>
              <td>
                <form class="inline" method="post" action="/__sim/companies/${c.id}/status">
                  <select name="statusId" aria-label="Status of company ${c.id}">
                    ${state.companyStatuses.map((s) => html`<option value="${s.id}" ${s.id === c.statusId ? html` selected` : ''}>${s.name}</option>`)}</select
                  ><button type="submit">Set status</button>
                </form>
                ${
                  c.deletedFlag
                    ? ''
                    : html`<form class="inline" method="post" action="/__sim/companies/${c.id}/delete">
                        <button type="submit">Delete</button>
                      </form>`
                }
              </td>
            </tr>`,
      ),
    )}`;
}

function decodeQuery(query: string): string {
  try {
    return decodeURIComponent(query.replace(/\+/g, ' '));
  } catch {
    return query;
  }
}
