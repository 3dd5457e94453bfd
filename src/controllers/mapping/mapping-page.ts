import type { Request, Response } from 'express';
import type { Contact } from '../../autotask/client.ts';
import { contextOf } from '../../context.ts';
import { currentUser } from '../../middleware/auth.ts';
import type { Failure, Problem } from '../../middleware/errors.ts';
import { flash } from '../../middleware/flash.ts';
import { paths } from '../../paths.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import { CUSTOMER_MISSING } from '../../services/customers/customers.ts';
import {
  companyIdForm,
  companySearchForm,
  getCustomerWithMapping,
  mapCustomer,
  SEARCH_LIMIT,
  searchCompaniesForMapping,
  type SearchHit,
} from '../../services/mapping/map-customer.ts';
import {
  clearDefaultContact,
  contactForm,
  contactName,
  contactsForMapping,
  hasDefaultContacts,
  setDefaultContact,
} from '../../services/mapping/default-contact.ts';
import { searchGivesDetails } from '../../services/mapping/company-search.ts';
import { aCompanyOf } from '../../services/mapping/ticket-blockers.ts';
import { idParam } from '../../shared/ids.ts';
import { parseOrThrow } from '../../shared/validation.ts';
import { requestProfile } from '../integration/request-settings.ts';
import { mappingDepsOf } from './deps.ts';
import { backToCustomersOf } from './return-to.ts';

/**
 * A customer's company in the active PSA: everyone signed in may see it (Run Checks links here when
 * tickets are blocked); searching the PSA and mapping are for admins (guards in routes/mapping.ts).
 */
export async function get(req: Request, res: Response): Promise<void> {
  const id = idParam(req.params['id'], CUSTOMER_MISSING);
  await renderMappingPage(req, res, id, {});
}

/** "Search Autotask": companies whose name contains the typed text (one request to the PSA). */
export async function search(req: Request, res: Response): Promise<void> {
  const id = idParam(req.params['id'], CUSTOMER_MISSING);
  const form = parseOrThrow(companySearchForm, req.query);
  const hits = await searchCompaniesForMapping(await mappingDepsOf(req), form);
  await renderMappingPage(req, res, id, {
    values: { ...typedValues(req), includeInactive: form.includeInactive },
    hits,
  });
}

/** "Map" from a search hit, or "Map to this ID": checked with the PSA before it is saved. */
export async function post(req: Request, res: Response): Promise<void> {
  const id = idParam(req.params['id'], CUSTOMER_MISSING);
  const profile = await requestProfile(req);
  const form = parseOrThrow(companyIdForm(profile.name), req.body);
  const { customer, company } = await mapCustomer(
    await mappingDepsOf(req),
    actorOf(currentUser(req)),
    id,
    form.companyId,
    form.source,
  );
  flash(req, {
    type: 'success',
    text: `Mapped ${customer.name} to ${profile.name} company ${company.name} (ID ${company.id}).`,
  });
  res.redirect(backToCustomersOf(req));
}

/** "Load contacts": the mapped company's active contacts, to choose the default contact from. */
export async function contacts(req: Request, res: Response): Promise<void> {
  const id = idParam(req.params['id'], CUSTOMER_MISSING);
  const list = await contactsForMapping(await mappingDepsOf(req), id);
  await renderMappingPage(req, res, id, { contacts: list });
}

/** "Save default contact": checked with Autotask (active, of the mapped company) before it is saved. */
export async function postContact(req: Request, res: Response): Promise<void> {
  const id = idParam(req.params['id'], CUSTOMER_MISSING);
  const form = parseOrThrow(contactForm, req.body);
  const { customer, contact } = await setDefaultContact(
    await mappingDepsOf(req),
    actorOf(currentUser(req)),
    id,
    form.contactId,
  );
  flash(req, {
    type: 'success',
    text: `New tickets for ${customer.name} now name ${contactName(contact)} as their contact.`,
  });
  res.redirect(`${paths.mapping.show(id)}#default-contact`);
}

/** "Remove default contact": new tickets go without a contact again. */
export async function postClearContact(req: Request, res: Response): Promise<void> {
  const id = idParam(req.params['id'], CUSTOMER_MISSING);
  const { customer, cleared } = await clearDefaultContact(
    contextOf(req).database.prisma,
    actorOf(currentUser(req)),
    id,
  );
  flash(
    req,
    cleared
      ? { type: 'success', text: `Removed the default contact of ${customer.name}; new tickets go without a contact.` }
      : { type: 'info', text: `${customer.name} has no default contact.` },
  );
  res.redirect(`${paths.mapping.show(id)}#default-contact`);
}

/**
 * How this page shows a refused search, mapping or contact (the route's renderOnFailure step): the
 * page again with what the admin typed, a field error under its field (a bad ID, an unknown or
 * inactive company, a company mapped to another customer), anything else above the forms.
 */
export async function showFailure(req: Request, res: Response, failure: Failure): Promise<void> {
  await renderMappingPage(req, res, idParam(req.params['id'], CUSTOMER_MISSING), {
    values: typedValues(req),
    errors: { ...failure.fieldErrors },
    problem: failure.problem,
  });
}

/** The search form's fields travel in the query, the mapping form's in the body. */
function typedValues(req: Request): Record<string, unknown> {
  if (req.method === 'GET') return { q: req.query['q'], includeInactive: req.query['includeInactive'] };
  const body = (req.body ?? {}) as Record<string, unknown>;
  return { companyId: body['companyId'], q: body['q'], contactId: body['contactId'] };
}

interface PageState {
  readonly values?: Record<string, unknown>;
  readonly errors?: Record<string, string>;
  readonly hits?: SearchHit[] | null;
  /** The mapped company's active contacts, once an admin asked for them. */
  readonly contacts?: readonly Contact[] | null;
  readonly problem?: Problem | null;
}

/**
 * The page names the active PSA throughout. The default contact is Autotask's alone (the PSA port
 * has no contacts), so with another PSA active it is not shown.
 */
async function renderMappingPage(req: Request, res: Response, customerId: number, state: PageState): Promise<void> {
  const db = contextOf(req).database.prisma;
  const [customer, profile] = await Promise.all([getCustomerWithMapping(db, customerId), requestProfile(req)]);
  res.render('mapping/mapping', {
    title: `${profile.name} company of ${customer.name}`,
    customer,
    integration: {
      enabled: profile.enabled,
      hasCredentials: profile.hasCredentials,
      settingsUrl: profile.settingsUrl,
    },
    psaName: profile.name,
    aCompany: aCompanyOf(profile.name),
    defaultContacts: hasDefaultContacts(profile),
    companyDetails: searchGivesDetails(profile),
    values: {},
    errors: {},
    hits: null,
    contacts: null,
    contactName,
    problem: null,
    searchLimit: SEARCH_LIMIT,
    returnTo: backToCustomersOf(req),
    ...state,
  });
}
