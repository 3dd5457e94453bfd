/** The fault and settings forms of the control page (see control.ts for the endpoints they post to). */
import type { Faults } from './faults.ts';
import { html, type SafeHtml } from './html.ts';
import type { ConnectWiseState } from './store.ts';

const RESOURCE_OPTIONS = [
  '',
  'service/tickets',
  'service/tickets/notes',
  'time/entries',
  'company/companies',
  'service/boards',
  'service/boards/statuses',
  'service/priorities',
  'system/info',
];
const METHOD_OPTIONS = ['', 'GET', 'POST', 'PATCH'];

export function faultsSection(faults: Faults): SafeHtml {
  const snapshot = faults.snapshot();
  const byResource = Object.entries(snapshot.latency.byResource)
    .map(([r, ms]) => `; ${ms} ms on ${r}`)
    .join('');
  const pending = snapshot.pending
    .map(
      (p) =>
        `${p.kind} ×${p.remaining}${p.match.method ? ` ${p.match.method}` : ''}${p.match.resource ? ` on ${p.match.resource}` : ''}`,
    )
    .join(', ');
  return html`<h2>Faults</h2>
    <p>
      Latency: ${snapshot.latency.allMs} ms on all calls${byResource}. Rate limiting:
      ${snapshot.rateLimited ? `on (Retry-After ${snapshot.rateLimited.retryAfterSeconds} s)` : 'off'}. Pending one-shot
      faults: ${pending === '' ? 'none' : pending}. Hung requests: ${snapshot.hungRequests}.
    </p>
    <fieldset>
      <legend>Latency</legend>
      <form class="inline" method="post" action="/__sim/faults/latency">
        <label>ms <input type="number" name="ms" min="0" value="2000" required /></label>
        ${resourceSelect()}
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
            <option value="error">ConnectWise error JSON</option>
            <option value="empty">no body</option>
            <option value="text">HTML (non-JSON)</option>
          </select></label
        >
        <label>code <input type="text" name="code" placeholder="ConnectWiseApi" /></label>
        <label>message <input type="text" name="message" /></label>
        ${methodSelect()} ${resourceSelect()}
        <button type="submit">Fail next</button>
      </form>
    </fieldset>
    <fieldset>
      <legend>Hang / lose the answer</legend>
      <form class="inline" method="post" action="/__sim/faults/hang">
        <label>count <input type="number" name="count" min="1" value="1" /></label>
        <label><input type="checkbox" name="afterApply" value="true" /> apply first</label>
        ${methodSelect()} ${resourceSelect()}
        <button type="submit">Hang next</button>
      </form>
      <form class="inline" method="post" action="/__sim/faults/drop">
        <label>count <input type="number" name="count" min="1" value="1" /></label>
        ${methodSelect('POST')} ${resourceSelect('service/tickets')}
        <button type="submit">Apply, then lose the answer</button>
      </form>
    </fieldset>
    <fieldset>
      <legend>Rate limiting (429 + Retry-After)</legend>
      <form class="inline" method="post" action="/__sim/faults/rate-limit">
        <label>count <input type="number" name="count" min="1" value="1" /></label>
        <label>Retry-After s <input type="number" name="retryAfterSeconds" min="0" value="30" /></label>
        ${methodSelect()} ${resourceSelect()}
        <button type="submit">Rate-limit next</button>
      </form>
      <form class="inline" method="post" action="/__sim/faults/rate-limit-mode">
        <input type="hidden" name="on" value="true" /><button type="submit">Rate-limit everything</button>
      </form>
      <form class="inline" method="post" action="/__sim/faults/rate-limit-mode">
        <input type="hidden" name="on" value="false" /><button type="submit">Stop rate limiting</button>
      </form>
    </fieldset>
    <form class="inline" method="post" action="/__sim/faults/clear">
      <button type="submit">Clear all faults</button>
    </form>
    <form class="inline" method="post" action="/__sim/reset">
      <button type="submit">Reset simulator to its seed</button>
    </form>`;
}

export function settingsSection(state: ConnectWiseState): SafeHtml {
  return html`<h2>API member and rules</h2>
    <form class="inline" method="post" action="/__sim/settings">
      <input type="hidden" name="boardRequired" value="${state.settings.boardRequired ? 'false' : 'true'}" />
      <button type="submit">
        ${state.settings.boardRequired ? 'Stop requiring' : 'Require'} a board on new tickets
      </button>
    </form>
    <form class="inline" method="post" action="/__sim/settings">
      <label
        >Time Entry inquire level
        <select name="timeEntryInquireLevel">
          ${(['All', 'My', 'None'] as const).map(
            (l) =>
              html`<option value="${l}" ${state.settings.timeEntryInquireLevel === l ? html` selected` : ''}>
                ${l}
              </option>`,
          )}
        </select></label
      >
      <button type="submit">Save</button>
    </form>
    <form class="inline" method="post" action="/__sim/settings">
      <label
        >Resources the security role denies (403)
        <input type="text" name="forbiddenResources" value="${state.settings.forbiddenResources.join(', ')}" />
      </label>
      <button type="submit">Save</button>
    </form>`;
}

function resourceSelect(selected = ''): SafeHtml {
  return html`<label
    >resource
    <select name="resource">
      ${RESOURCE_OPTIONS.map(
        (r) => html`<option value="${r}" ${r === selected ? html` selected` : ''}>${r === '' ? 'any' : r}</option>`,
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
