/** The fault and settings forms of the control page (see control.ts for the endpoints they post to). */
import { html, type FaultForms, type SafeHtml } from '@backupchecks/simulator-kit';
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

export const FAULT_FORMS: FaultForms<'resource'> = {
  key: 'resource',
  scopes: RESOURCE_OPTIONS,
  methods: ['', 'GET', 'POST', 'PATCH'],
  failFields: html`<label
      >body
      <select name="body">
        <option value="error">ConnectWise error JSON</option>
        <option value="empty">no body</option>
        <option value="text">HTML (non-JSON)</option>
      </select></label
    >
    <label>code <input type="text" name="code" placeholder="ConnectWiseApi" /></label>
    <label>message <input type="text" name="message" /></label>`,
  dropLegend: 'Hang / lose the answer',
  dropButton: 'Apply, then lose the answer',
  dropScope: 'service/tickets',
};

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
