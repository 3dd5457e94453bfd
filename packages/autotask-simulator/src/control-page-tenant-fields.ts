/** The control page's section on the ticket fields a tenant requires (see control-tenant-fields.ts). */
import { html, table, type SafeHtml } from '@backupchecks/simulator-kit';
import type { SimulatorState } from './store.ts';
import { TENANT_FIELD_CHOICES } from './tenant-fields.ts';
import type { PicklistValue } from './types.ts';

export function tenantFieldsSection(state: SimulatorState): SafeHtml {
  const required = new Set(state.settings.requiredTicketFields);
  const workTypes = state.billingCodes.filter((b) => b.useType === 1);
  return html`<h2>Tenant-required ticket fields</h2>
    <p>
      A new ticket without a required field is refused with HTTP 500 and an <code>errors[]</code> entry per field;
      inactive or unknown Work Types, contacts, categories and types are refused too.
    </p>
    <form method="post" action="/__sim/tenant-fields/required">
      ${TENANT_FIELD_CHOICES.map(
        (f) =>
          html`<label
            ><input type="checkbox" name="fields" value="${f}" ${required.has(f) ? html`checked` : ''} /> ${f}</label
          >`,
      )}
      <button type="submit">Save required fields</button>
    </form>
    <h3>Work Types (BillingCodes, useType 1)</h3>
    ${table(
      ['ID', 'Name', 'Active', ''],
      workTypes.map(
        (b) =>
          html`<tr>
            <td>${b.id}</td>
            <td>${b.name}</td>
            <td>${b.isActive ? 'yes' : 'no'}</td>
            <td>${toggle(`/__sim/billing-codes/${b.id}`, b.isActive)}</td>
          </tr>`,
      ),
    )}
    <h3>Ticket categories and types</h3>
    ${picklistTable(state.picklist('Tickets', 'ticketCategory'), 'ticketCategory')}
    ${picklistTable(state.picklist('Tickets', 'ticketType'), 'ticketType')}
    <h3>Contacts (${state.contacts.length})</h3>
    ${table(
      ['ID', 'Company', 'Name', 'E-mail', 'Active', ''],
      state.contacts.map(
        (c) =>
          html`<tr>
            <td>${c.id}</td>
            <td>${c.companyID}</td>
            <td>${c.firstName} ${c.lastName}</td>
            <td>${c.emailAddress ?? ''}</td>
            <td>${c.isActive === 1 ? 'yes' : 'no'}</td>
            <td>${toggle(`/__sim/contacts/${c.id}`, c.isActive === 1)}</td>
          </tr>`,
      ),
    )}
    <form class="inline" method="post" action="/__sim/contacts">
      <label>company ID <input type="number" name="companyID" min="0" required /></label>
      <label>first name <input type="text" name="firstName" required /></label>
      <label>last name <input type="text" name="lastName" required /></label>
      <label>e-mail <input type="email" name="emailAddress" /></label>
      <button type="submit">Add contact</button>
    </form>`;
}

function picklistTable(values: readonly PicklistValue[], field: string): SafeHtml {
  return html`<table>
    <caption>
      ${field}
    </caption>
    <tbody>
      ${values.map(
        (p) =>
          html`<tr>
            <td>${p.value}</td>
            <td>${p.label}</td>
            <td>${p.isActive ? 'active' : 'inactive'}</td>
            <td>${toggle(`/__sim/picklists/Tickets/${field}/${p.value}`, p.isActive)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function toggle(base: string, active: boolean): SafeHtml {
  return html`<form class="inline" method="post" action="${base}/${active ? 'deactivate' : 'activate'}">
    <button type="submit">${active ? 'Deactivate' : 'Activate'}</button>
  </form>`;
}
