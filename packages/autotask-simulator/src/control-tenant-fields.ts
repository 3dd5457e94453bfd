/**
 * `/__sim/` controls for the ticket fields a tenant requires: which fields a new ticket must carry,
 * and the records and picklist values those fields point at (Work Types, contacts, ticket
 * categories and types), each switchable active or inactive as an Autotask admin would.
 */
import { blankToUndefined, optionalString, type Done } from '@backupchecks/simulator-kit';
import type { Router } from 'express';
import { z } from 'zod';
import type { SimulatorState } from './store.ts';
import {
  addContact,
  setBillingCodeActive,
  setContactActive,
  setPicklistValueActive,
  setRequiredTicketFields,
} from './tenant-fields.ts';
import { ENTITY_NAMES } from './types.ts';

const id = z.coerce.number().int().min(0);

const schemas = {
  /** JSON sends an array; a form sends one value per ticked box, or a comma-separated text. */
  required: z.object({
    fields: z.preprocess(
      (v) => (v === undefined ? [] : typeof v === 'string' ? v.split(',').filter((f) => f.trim() !== '') : v),
      z.array(z.string()),
    ),
  }),
  contact: z.object({
    companyID: id,
    firstName: z.string().trim().min(1).max(50),
    lastName: z.string().trim().min(1).max(50),
    emailAddress: optionalString,
    id: z.preprocess(blankToUndefined, id.optional()),
  }),
  active: z.enum(['activate', 'deactivate']),
  entity: z.enum(ENTITY_NAMES),
};

export function tenantFieldRoutes(router: Router, state: SimulatorState, done: Done): void {
  router.get('/tenant-fields', (_req, res) => {
    res.json(tenantFieldsView(state));
  });
  router.post('/tenant-fields/required', (req, res) => {
    const { fields } = schemas.required.parse(req.body ?? {});
    const required = setRequiredTicketFields(state, fields);
    const notice =
      required.length > 0 ? `New tickets now require ${required.join(', ')}.` : 'No extra ticket fields are required.';
    done(req, res, notice, tenantFieldsView(state));
  });
  router.post('/billing-codes/:id/:action', (req, res) => {
    const active = schemas.active.parse(req.params.action) === 'activate';
    const code = setBillingCodeActive(state, id.parse(req.params.id), active);
    done(req, res, `Billing code ${code.id} "${code.name}" is ${active ? 'active' : 'inactive'}.`, {
      billingCode: code,
    });
  });
  router.post('/contacts', (req, res) => {
    const body = schemas.contact.parse(req.body ?? {});
    const contact = addContact(state, {
      companyID: body.companyID,
      firstName: body.firstName,
      lastName: body.lastName,
      ...(body.emailAddress === undefined ? {} : { emailAddress: body.emailAddress }),
      ...(body.id === undefined ? {} : { id: body.id }),
    });
    done(req, res, `Added contact ${contact.id} to company ${contact.companyID}.`, { contact });
  });
  router.post('/contacts/:id/:action', (req, res) => {
    const active = schemas.active.parse(req.params.action) === 'activate';
    const contact = setContactActive(state, id.parse(req.params.id), active);
    done(req, res, `Contact ${contact.id} is ${active ? 'active' : 'inactive'}.`, { contact });
  });
  router.post('/picklists/:entity/:field/:value/:action', (req, res) => {
    const active = schemas.active.parse(req.params.action) === 'activate';
    const entity = schemas.entity.parse(req.params.entity);
    const field = String(req.params.field);
    const entry = setPicklistValueActive(state, entity, field, id.parse(req.params.value), active);
    done(req, res, `${entity}.${field} "${entry.label}" is ${active ? 'active' : 'inactive'}.`, { value: entry });
  });
}

export function tenantFieldsView(state: SimulatorState) {
  return {
    requiredTicketFields: state.settings.requiredTicketFields,
    billingCodes: state.billingCodes,
    contacts: state.contacts,
    ticketCategory: state.picklist('Tickets', 'ticketCategory'),
    ticketType: state.picklist('Tickets', 'ticketType'),
  };
}
