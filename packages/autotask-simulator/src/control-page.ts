/** The `/__sim/` HTML page: plain forms, no script (see control.ts for the endpoints they post to). */
import {
  anySelect,
  clearAndReset,
  faultsSection,
  html,
  layout,
  notices,
  requestsSection,
  sendPage,
  table,
  type FaultForms,
  type SafeHtml,
} from '@backupchecks/simulator-kit';
import type { Request, Response } from 'express';
import { tenantFieldsSection } from './control-page-tenant-fields.ts';
import type { Faults } from './faults.ts';
import { ticketPageUrl } from './routes/web.ts';
import type { SimulatorState } from './store.ts';
import type { ThreadLimiter } from './thread-limit.ts';
import { thresholdUsage } from './threshold.ts';

const ENTITY_OPTIONS = [
  '',
  'Tickets',
  'TicketNotes',
  'Companies',
  'TimeEntries',
  'BillingCodes',
  'Contacts',
  'ThresholdInformation',
  'zoneInformation',
];
const METHOD_OPTIONS = ['', 'GET', 'POST', 'PATCH', 'PUT', 'DELETE'];

const FAULT_FORMS: FaultForms<'entity'> = {
  key: 'entity',
  scopes: ENTITY_OPTIONS,
  methods: METHOD_OPTIONS,
  failFields: html`<label
      >body
      <select name="body">
        <option value="errors">errors[] JSON</option>
        <option value="empty">no body</option>
        <option value="text">HTML (non-JSON)</option>
      </select></label
    >
    <label>message <input type="text" name="message" placeholder="errors[] text" /></label>`,
  dropLegend: 'Hang / drop',
  dropButton: 'Apply, then drop the response',
  dropScope: 'Tickets',
};

export function renderControlPage(
  req: Request,
  res: Response,
  state: SimulatorState,
  faults: Faults,
  threads?: ThreadLimiter,
): void {
  const origin = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  const webUrl = `${origin}/`;
  const user = state.users[0];
  const statusOptions = state.picklist('Tickets', 'status').filter((p) => p.isActive);
  const budget = thresholdUsage(state);

  const body = html`<h1>Autotask simulator</h1>
    <p class="banner">
      Not Autotask. A local stand-in that speaks the Autotask REST wire format, for the demo and for tests.
    </p>
    ${notices(req)}

    <h2>Connection</h2>
    <dl>
      <dt>Zone lookup URL</dt>
      <dd><code>${origin}/ATServicesRest</code></dd>
      <dt>API URL (zone url)</dt>
      <dd><code>${origin}/ATServicesRest/</code></dd>
      <dt>Web URL</dt>
      <dd><code>${webUrl}</code></dd>
      <dt>API user</dt>
      <dd><code>${user?.username ?? ''}</code></dd>
      <dt>Secret</dt>
      <dd><code>${user?.secret ?? ''}</code></dd>
      <dt>Integration code</dt>
      <dd><code>${user?.integrationCode ?? ''}</code></dd>
      <dt>Can view non-billable time entries</dt>
      <dd>
        ${user?.canViewNonBillable === false ? 'no: non-billable entries are left out of queries and counts' : 'yes'}
        <form class="inline" method="post" action="/__sim/users/permissions">
          <input
            type="hidden"
            name="canViewNonBillable"
            value="${user?.canViewNonBillable === false ? 'true' : 'false'}"
          />
          <button type="submit">${user?.canViewNonBillable === false ? 'Grant' : 'Withdraw'}</button>
        </form>
      </dd>
    </dl>

    ${faultsSection(faults.snapshot(), FAULT_FORMS)}
    <fieldset>
      <legend>Limits</legend>
      <form class="inline" method="post" action="/__sim/settings">
        <label
          >thread-limit status
          <select name="threadLimitStatus">
            ${[429, 500].map((s) => html`<option value="${s}" ${state.settings.threadLimitStatus === s ? html` selected` : ''}>${s}</option>`)}
          </select></label
        >
        <label
          >hourly threshold
          <input type="number" name="requestThreshold" min="1" value="${state.settings.requestThreshold}"
        /></label>
        <button type="submit">Save</button>
      </form>
    </fieldset>
    <fieldset>
      <legend>Hourly budget (ThresholdInformation)</legend>
      <p>${budget.used} of ${budget.limit} requests used in the last ${budget.timeframeMinutes} minutes.</p>
      <form class="inline" method="post" action="/__sim/threshold">
        <label>used <input type="number" name="used" min="0" value="${budget.used}" /></label>
        <label>limit <input type="number" name="limit" min="1" value="${budget.limit}" /></label>
        <button type="submit">Set</button>
      </form>
    </fieldset>
    ${threadLimitSection(state, threads)} ${clearAndReset()} ${tenantFieldsSection(state)}

    <h2>Tickets (${state.tickets.length})</h2>
    ${table(
      ['ID', 'Number', 'Title', 'Company', 'Status', 'Time entries', 'Actions'],
      state.tickets.map((t) => {
        const entries = state.timeEntriesOf(t.id);
        return html`<tr>
          <td>${t.id}</td>
          <td><a href="${ticketPageUrl(webUrl, t.id)}">${t.ticketNumber}</a></td>
          <td>${t.title}</td>
          <td>${state.company(t.companyID)?.companyName ?? `(deleted ${t.companyID})`}</td>
          <td>${state.picklistLabel('Tickets', 'status', t.status) ?? t.status}</td>
          <td>${entries.length} (${entries.filter((e) => !e.isNonBillable).length} billable)</td>
          <td>
            <form class="inline" method="post" action="/__sim/tickets/${t.id}/time-entries">
              <input type="hidden" name="billable" value="true" /><button type="submit">+ billable</button>
            </form>
            <form class="inline" method="post" action="/__sim/tickets/${t.id}/time-entries">
              <input type="hidden" name="billable" value="false" /><button type="submit">+ non-billable</button>
            </form>
            <form class="inline" method="post" action="/__sim/tickets/${t.id}/time-entries/delete">
              <button type="submit">Remove time entries</button>
            </form>
            <form class="inline" method="post" action="/__sim/tickets/${t.id}/status">
              <select name="status" aria-label="Status of ${t.ticketNumber}">
                ${statusOptions.map((p) => html`<option value="${p.value}" ${String(t.status) === p.value ? html` selected` : ''}>${p.label}</option>`)}</select
              ><button type="submit">Set status</button>
            </form>
          </td>
        </tr> `;
      }),
    )}

    <h2>Companies (${state.companies.length})</h2>
    <form class="inline" method="post" action="/__sim/companies">
      <label>name <input type="text" name="companyName" required maxlength="100" /></label>
      <label>city <input type="text" name="city" /></label>
      <button type="submit">Add company</button>
    </form>
    ${table(
      ['ID', 'Name', 'City', 'Active', 'Actions'],
      state.companies.map(
        (
          c,
        ) => html`<tr${c.isActive ? '' : html` class="inactive"`}><td>${c.id}</td><td>${c.companyName}</td><td>${c.city ?? ''}</td><td>${c.isActive ? 'yes' : 'no'}</td>
<td><form class="inline" method="post" action="/__sim/companies/${c.id}/rename"><input type="text" name="companyName" value="${c.companyName}" aria-label="New name for company ${c.id}" required maxlength="100"><button type="submit">Rename</button></form>
<form class="inline" method="post" action="/__sim/companies/${c.id}/${c.isActive ? 'deactivate' : 'activate'}"><button type="submit">${c.isActive ? 'Deactivate' : 'Activate'}</button></form>
<form class="inline" method="post" action="/__sim/companies/${c.id}/delete"><button type="submit">Delete</button></form></td></tr>
`,
      ),
    )}
    ${requestsSection(state.requestLog, { heading: 'Entity', cell: (r) => r.entity ?? '' })}
    <p>
      JSON: <a href="/__sim/state">state</a> · <a href="/__sim/faults">faults</a> ·
      <a href="/__sim/requests">requests</a>
    </p>`;
  sendPage(res, 200, layout('Autotask simulator', body));
}

/**
 * The thread limit is shared by everything that sends the same tracking identifier: held slots stand in for another
 * integration of the tenant, the one-shot rejection for a moment when it had all of them busy.
 */
function threadLimitSection(state: SimulatorState, threads: ThreadLimiter | undefined): SafeHtml {
  const snapshot = threads?.snapshot() ?? { inFlight: [], held: [], highWater: [] };
  const list = (slots: typeof snapshot.held) =>
    slots.length === 0 ? 'none' : slots.map((t) => `${t.count} on ${t.entity} (${t.integrationCode})`).join(', ');
  return html`<fieldset>
    <legend>Thread limit (${state.settings.threadLimit} per tracking identifier and endpoint, tenant-wide)</legend>
    <p>Busy now: ${list(snapshot.inFlight)}. Held by "another integration": ${list(snapshot.held)}.</p>
    <p>Most at once since the last reset (a refused request counted as it arrived): ${list(snapshot.highWater)}.</p>
    <form class="inline" method="post" action="/__sim/threads/hold">
      <label>threads <input type="number" name="count" min="1" value="${state.settings.threadLimit}" /></label>
      <label
        >entity
        <select name="entity">
          ${ENTITY_OPTIONS.filter((e) => e !== '' && e !== 'zoneInformation').map(
            (e) => html`<option value="${e}" ${e === 'Tickets' ? html` selected` : ''}>${e}</option>`,
          )}
        </select></label
      >
      <label>tracking identifier <input type="text" name="integrationCode" placeholder="the API user's" /></label>
      <button type="submit">Hold threads busy</button>
    </form>
    <form class="inline" method="post" action="/__sim/threads/release">
      <button type="submit">Release held threads</button>
    </form>
    <form class="inline" method="post" action="/__sim/threads/high-water/reset">
      <button type="submit">Reset high-water marks</button>
    </form>
    <form class="inline" method="post" action="/__sim/faults/thread-threshold">
      <label>count <input type="number" name="count" min="1" value="1" /></label>
      <label><input type="checkbox" name="afterApply" value="true" /> apply first</label>
      ${methodSelect('POST')} ${entitySelect('Tickets')}
      <button type="submit">Thread threshold on next</button>
    </form>
  </fieldset>`;
}

function entitySelect(selected = ''): SafeHtml {
  return anySelect('entity', ENTITY_OPTIONS, selected);
}

function methodSelect(selected = ''): SafeHtml {
  return anySelect('method', METHOD_OPTIONS, selected);
}
