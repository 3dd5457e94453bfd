/** The `/__sim/` HTML page: plain forms, no script (see control.ts for the endpoints they post to). */
import type { Request, Response } from 'express';
import { tenantFieldsSection } from './control-page-tenant-fields.ts';
import type { Faults } from './faults.ts';
import { html, layout, sendPage, type SafeHtml } from './html.ts';
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

export function renderControlPage(
  req: Request,
  res: Response,
  state: SimulatorState,
  faults: Faults,
  threads?: ThreadLimiter,
): void {
  const origin = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  const webUrl = `${origin}/`;
  const notice = typeof req.query.notice === 'string' ? req.query.notice : null;
  const error = typeof req.query.error === 'string' ? req.query.error : null;
  const user = state.users[0];
  const snapshot = faults.snapshot();
  const statusOptions = state.picklist('Tickets', 'status').filter((p) => p.isActive);
  const budget = thresholdUsage(state);

  const body = html`<h1>Autotask simulator</h1>
    <p class="banner">
      Not Autotask. A local stand-in that speaks the Autotask REST wire format, for the demo and for tests.
    </p>
    ${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
    ${error ? html`<p class="error" role="alert">${error}</p>` : ''}

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

    <h2>Faults</h2>
    <p>
      Latency: ${snapshot.latency.allMs} ms on all
      calls${Object.entries(snapshot.latency.byEntity)
        .map(([e, ms]) => `; ${ms} ms on ${e}`)
        .join('')}.
      Rate limiting: ${snapshot.rateLimited ? `on (Retry-After ${snapshot.rateLimited.retryAfterSeconds} s)` : 'off'}.
      Pending one-shot faults:
      ${snapshot.pending.length === 0 ? 'none' : snapshot.pending.map((p) => `${p.kind} ×${p.remaining}${p.match.method ? ` ${p.match.method}` : ''}${p.match.entity ? ` on ${p.match.entity}` : ''}`).join(', ')}.
      Hung requests: ${snapshot.hungRequests}.
    </p>
    <fieldset>
      <legend>Latency</legend>
      <form class="inline" method="post" action="/__sim/faults/latency">
        <label>ms <input type="number" name="ms" min="0" value="2000" required /></label>
        ${entitySelect()}
        <button type="submit">Set latency</button>
      </form>
    </fieldset>
    <fieldset>
      <legend>Fail the next calls</legend>
      <form class="inline" method="post" action="/__sim/faults/fail">
        <label>count <input type="number" name="count" min="1" value="1" /></label>
        <label>status <input type="number" name="status" min="100" max="599" value="500" /></label>
        <label
          >body
          <select name="body">
            <option value="errors">errors[] JSON</option>
            <option value="empty">no body</option>
            <option value="text">HTML (non-JSON)</option>
          </select></label
        >
        <label>message <input type="text" name="message" placeholder="errors[] text" /></label>
        ${methodSelect()} ${entitySelect()}
        <button type="submit">Fail next</button>
      </form>
    </fieldset>
    <fieldset>
      <legend>Hang / drop</legend>
      <form class="inline" method="post" action="/__sim/faults/hang">
        <label>count <input type="number" name="count" min="1" value="1" /></label>
        <label><input type="checkbox" name="afterApply" value="true" /> apply first</label>
        ${methodSelect()} ${entitySelect()}
        <button type="submit">Hang next</button>
      </form>
      <form class="inline" method="post" action="/__sim/faults/drop">
        <label>count <input type="number" name="count" min="1" value="1" /></label>
        ${methodSelect('POST')} ${entitySelect('Tickets')}
        <button type="submit">Apply, then drop the response</button>
      </form>
    </fieldset>
    <fieldset>
      <legend>Rate limiting (429 + Retry-After)</legend>
      <form class="inline" method="post" action="/__sim/faults/rate-limit">
        <label>count <input type="number" name="count" min="1" value="1" /></label>
        <label>Retry-After s <input type="number" name="retryAfterSeconds" min="0" value="30" /></label>
        ${methodSelect()} ${entitySelect()}
        <button type="submit">Rate-limit next</button>
      </form>
      <form class="inline" method="post" action="/__sim/faults/rate-limit-mode">
        <input type="hidden" name="on" value="true" /><button type="submit">Rate-limit everything</button>
      </form>
      <form class="inline" method="post" action="/__sim/faults/rate-limit-mode">
        <input type="hidden" name="on" value="false" /><button type="submit">Stop rate limiting</button>
      </form>
    </fieldset>
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
    ${threadLimitSection(state, threads)}
    <form class="inline" method="post" action="/__sim/faults/clear">
      <button type="submit">Clear all faults</button>
    </form>
    <form class="inline" method="post" action="/__sim/reset">
      <button type="submit">Reset simulator to its seed</button>
    </form>

    ${tenantFieldsSection(state)}

    <h2>Tickets (${state.tickets.length})</h2>
    <table>
      <thead>
        <tr>
          <th>ID</th>
          <th>Number</th>
          <th>Title</th>
          <th>Company</th>
          <th>Status</th>
          <th>Time entries</th>
          <th>Actions</th>
        </tr>
      </thead>
      <tbody>
        ${state.tickets.map((t) => {
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
        })}
      </tbody>
    </table>

    <h2>Companies (${state.companies.length})</h2>
    <form class="inline" method="post" action="/__sim/companies">
      <label>name <input type="text" name="companyName" required maxlength="100" /></label>
      <label>city <input type="text" name="city" /></label>
      <button type="submit">Add company</button>
    </form>
    <table>
      <thead>
        <tr>
          <th>ID</th>
          <th>Name</th>
          <th>City</th>
          <th>Active</th>
          <th>Actions</th>
        </tr>
      </thead>
      <tbody>
        ${state.companies.map(
          (
            c,
          ) => html`<tr${c.isActive ? '' : html` class="inactive"`}><td>${c.id}</td><td>${c.companyName}</td><td>${c.city ?? ''}</td><td>${c.isActive ? 'yes' : 'no'}</td>
<td><form class="inline" method="post" action="/__sim/companies/${c.id}/rename"><input type="text" name="companyName" value="${c.companyName}" aria-label="New name for company ${c.id}" required maxlength="100"><button type="submit">Rename</button></form>
<form class="inline" method="post" action="/__sim/companies/${c.id}/${c.isActive ? 'deactivate' : 'activate'}"><button type="submit">${c.isActive ? 'Deactivate' : 'Activate'}</button></form>
<form class="inline" method="post" action="/__sim/companies/${c.id}/delete"><button type="submit">Delete</button></form></td></tr>
`,
        )}
      </tbody>
    </table>

    <h2>Recent API requests (${state.requestLog.length} logged)</h2>
    <form class="inline" method="post" action="/__sim/requests/clear"><button type="submit">Clear log</button></form>
    <table>
      <thead>
        <tr>
          <th>#</th>
          <th>At</th>
          <th>Method</th>
          <th>Path</th>
          <th>Entity</th>
          <th>Status</th>
          <th>Outcome</th>
        </tr>
      </thead>
      <tbody>
        ${state.requestLog
          .slice(-30)
          .reverse()
          .map(
            (r) =>
              html`<tr>
                <td>${r.seq}</td>
                <td>${r.at}</td>
                <td>${r.method}</td>
                <td>${r.path}</td>
                <td>${r.entity ?? ''}</td>
                <td>${r.status ?? ''}</td>
                <td>${r.outcome}</td>
              </tr> `,
          )}
      </tbody>
    </table>
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
  return html`<label
    >entity
    <select name="entity">
      ${ENTITY_OPTIONS.map(
        (e) => html`<option value="${e}" ${e === selected ? html` selected` : ''}>${e === '' ? 'any' : e}</option>`,
      )}
    </select></label
  >`;
}

function methodSelect(selected = ''): SafeHtml {
  return html`<label
    >method
    <select name="method">
      ${METHOD_OPTIONS.map(
        (m) => html`<option value="${m}" ${m === selected ? html` selected` : ''}>${m === '' ? 'any' : m}</option>`,
      )}
    </select></label
  >`;
}
