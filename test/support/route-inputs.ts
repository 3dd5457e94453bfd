import type { Malformed } from './route-sweep.ts';

/**
 * What each route reads, and how it answers a role it allows when every one of those fields holds a
 * malformed value (test/foundation/route-sweep.test.ts). The path names real records then; a
 * malformed path is the sweep's own case (404). A NUL character is the sweep's own case too (422,
 * src/middleware/nul-characters.ts), and so is the token API. A route without a line here is still
 * swept with the generic fields and must answer one of DEFAULT_ANSWERS.
 *
 * The answers, as a careful operator would expect them:
 * - ids and page numbers in the address bar are filters: a malformed one is ignored (the page shows
 *   the filter unset, or the first page) and the page answers 200; search text is cut to 200
 *   characters; a page past the end shows the last page;
 * - ids in forms are refused (422, or a message on the page the form came from: 302);
 * - without an Autotask integration, pages that need one say so (409, or a message: 302).
 */

export type Principal = 'anonymous' | 'admin' | 'operator' | 'reporter';

export interface RouteInputs {
  /**
   * Query parameters (GET) or form fields (POST) the route reads, on top of the generic ones. An
   * address carries a 10 kB value in its first field only, so the field most worth it comes first.
   */
  readonly fields?: readonly string[];
  /** Fields whose value wraps the malformed one, e.g. `pair` is `customerId:companyId`. */
  readonly shape?: Readonly<Record<string, (encoded: string) => string>>;
  readonly answer: number | ((m: Malformed, who: Principal) => number);
  /** False where the NUL check does not run: routes before the session (the health check). */
  readonly checksNul?: boolean;
}

export const GENERIC_QUERY = ['q', 'page', 'status', 'customer', 'actor', 'action', 'returnTo', 'next'];
export const GENERIC_FORM = ['returnTo'];
/** Never a 5xx, and nothing but these, for a route without a line below. */
export const DEFAULT_ANSWERS = [200, 302, 404, 409, 422];

/** Autotask search text: 2 to 100 characters once trimmed (src/services/mapping/map-customer.ts). */
const searchable = (m: Malformed) => {
  const text = m.value.trim();
  return text.length >= 2 && text.length <= 100;
};
/** A typed Autotask id: spaces around it forgiven, then digits 1 to 2147483647 (src/shared/ids.ts). */
const typedId = (m: Malformed) => m.value.trim() === '1';
const NO_INTEGRATION = 409;

export const routeInputs: Record<string, RouteInputs> = {
  'GET /login': { fields: ['next'], answer: (_m, who) => (who === 'anonymous' ? 200 : 302) },
  // Every value is a wrong e-mail address or password, except one too long to be either.
  'POST /login': { fields: ['email', 'password', 'next'], answer: (m) => (m.value.length > 200 ? 422 : 401) },
  'POST /logout': { answer: 302 },
  'GET /healthz': { answer: 200, checksNul: false },
  // The sweep's app has no METRICS_TOKEN: off, whatever is sent (test/metrics/ covers the token).
  'GET /metrics': { answer: 404, checksNul: false },

  'GET /users': { answer: 200 },
  'POST /users': { fields: ['email', 'name', 'role', 'password'], answer: 422 },
  'POST /users/:id/role': { fields: ['role'], answer: 422 },
  'POST /users/:id/active': { fields: ['active'], answer: 422 },
  'POST /users/:id/password': { answer: 302 },
  'GET /audit': { fields: ['action', 'actor', 'page'], answer: 200 },
  // New names each (none is taken): added, unless too long.
  'POST /customers': { fields: ['name'], answer: (m) => (m.value.length > 200 ? 422 : 302) },
  'GET /customers/:id/edit': { answer: 200 },
  'POST /customers/:id/name': {
    fields: ['name'],
    shape: { name: (v) => `Renamed ${v}` },
    answer: (m) => (`Renamed ${m.value}`.length > 200 ? 422 : 302),
  },
  'POST /customers/:id/active': { fields: ['active'], answer: 422 },
  // A malformed or unknown alias goes back to the edit page with a message.
  'POST /customers/:id/aliases/remove': { fields: ['aliasId'], answer: 302 },
  // No malformed value is a date and time: the page comes back with the field marked.
  'POST /customers/:id/pause': { fields: ['until', 'reason'], answer: 422 },
  // Not paused: back to the edit page with a message.
  'POST /customers/:id/resume': { answer: 302 },
  // No malformed value is a kind of schedule: the job page comes back with the form marked.
  'POST /jobs/:id/schedule': { fields: ['kind', 'time', 'days', 'everyHours', 'graceMinutes'], answer: 422 },
  'POST /jobs/:id/schedule/remove': { answer: 302 },
  'POST /jobs/:id/pause': { fields: ['until', 'reason'], answer: 422 },
  'POST /jobs/:id/resume': { answer: 302 },
  'GET /run-checks/unmatched': { fields: ['page'], answer: 200 },
  // A malformed or unknown report or customer goes back to the list with a message.
  'POST /run-checks/unmatched/assign': { fields: ['reportId', 'customerId'], answer: 302 },
  'POST /run-checks/unmatched/create-customer': { fields: ['reportId'], answer: 302 },
  'GET /settings/retention': { answer: 200 },
  // No malformed value is a number of days every field accepts (runs: at least 30): the form comes back marked.
  'POST /settings/retention': { fields: ['apiCallLogDays', 'syncLogDays', 'runDays', 'auditEventDays'], answer: 422 },
  'GET /settings/api-tokens': { answer: 200 },
  'POST /settings/api-tokens': { fields: ['name'], answer: (m) => (m.value.length > 100 ? 422 : 302) },
  'POST /settings/api-tokens/:id/revoke': { answer: 302 },

  'GET /customers/:id/mapping/search': {
    fields: ['q', 'includeInactive'],
    answer: (m) => (searchable(m) ? NO_INTEGRATION : 422),
  },
  'POST /customers/:id/mapping': {
    fields: ['companyId', 'source', 'q'],
    answer: (m) => (typedId(m) ? NO_INTEGRATION : 422),
  },
  'POST /customers/:id/mapping/clear': { answer: 302 },
  'POST /customers/:id/mapping/refresh': { answer: 302 },
  'GET /customers/:id/mapping/contacts': { answer: NO_INTEGRATION },
  'POST /customers/:id/mapping/contact': {
    fields: ['contactId'],
    answer: (m) => (typedId(m) ? NO_INTEGRATION : 422),
  },
  'POST /customers/:id/mapping/contact/clear': { answer: 302 },
  'POST /customers/mappings/refresh-all': { answer: 302 },
  'GET /customers/mappings/suggestions': { fields: ['page'], answer: NO_INTEGRATION },
  // Refusals go back to the suggestions as a message.
  'POST /customers/mappings/suggestions/confirm': { fields: ['customerId', 'companyId', 'page'], answer: 302 },
  'POST /customers/mappings/suggestions/confirm-exact': {
    fields: ['pair', 'page'],
    shape: { pair: (v) => `${v}:1` },
    answer: 302,
  },

  'GET /settings': { answer: 200 },
  'GET /settings/autotask': { answer: 200 },
  'POST /settings/autotask': {
    fields: [
      'enabled',
      'environment',
      'apiUsername',
      'secret',
      'integrationCode',
      'baseUrl',
      'queueId',
      'issueTypeId',
      'subIssueTypeId',
      'sourceId',
      'priorityErrorId',
      'priorityWarningId',
      'newStatusId',
      'noteTypeId',
      'billingCodeId',
      'ticketCategoryId',
      'ticketTypeId',
      'allowResolve',
      'apiLogLevel',
      'syncIntervalMinutes',
    ],
    answer: 422,
  },
  'POST /settings/autotask/picklists/refresh': { answer: 302 },
  // The test's outcome is shown in its panel, whatever was typed.
  'POST /settings/autotask/test': { fields: ['environment', 'apiUsername', 'secret', 'integrationCode'], answer: 200 },
  'POST /settings/autotask/validate': { answer: 200 },
  'GET /settings/autotask/diagnostics': { fields: ['status', 'page'], answer: 200 },
  'GET /settings/autotask/export.md': { answer: 200 },
  'GET /settings/autotask/disconnect': { answer: 200 },
  'POST /settings/autotask/disconnect': { fields: ['mode', 'confirm'], answer: 422 },
  // No credentials saved for either PSA: back to the page with a message.
  'POST /settings/autotask/activate': { answer: 302 },
  'GET /settings/connectwise': { answer: 200 },
  'POST /settings/connectwise': {
    fields: [
      'siteHost',
      'codebase',
      'companyId',
      'publicKey',
      'privateKey',
      'clientId',
      'boardId',
      'newStatusId',
      'closedStatusId',
      'priorityErrorId',
      'priorityWarningId',
      'typeId',
      'subTypeId',
      'itemId',
      'allowResolve',
      'apiLogLevel',
      'baseUrl',
      'syncIntervalMinutes',
    ],
    answer: 422,
  },
  // Nothing saved to load the lists with: the page says so.
  'POST /settings/connectwise/lists/refresh': { answer: NO_INTEGRATION },
  // No malformed value is a site's host: the test's panel says so, before any call.
  'POST /settings/connectwise/test': {
    fields: ['siteHost', 'codebase', 'companyId', 'publicKey', 'privateKey', 'clientId'],
    answer: 200,
  },
  'POST /settings/connectwise/validate': { answer: 200 },
  'GET /settings/connectwise/diagnostics': { fields: ['status', 'page'], answer: 200 },
  'POST /settings/connectwise/activate': { answer: 302 },

  'POST /run-checks/runs/:id/review': { answer: 302 },
  // Which runs the page showed: reviewing "all" instead could review runs nobody has seen.
  'POST /run-checks/jobs/:id/review': { fields: ['upTo'], answer: 422 },
  // Selected rows are `<jobId>:<newest run id>`: anything else is refused, nothing is reviewed.
  'POST /run-checks/review': { fields: ['job'], answer: 422 },
  // Without an integration the ticket actions go back to the run with a message.
  'GET /runs/:id/ticket/resolve': { answer: 302 },
  'POST /runs/:id/ticket/resolve': { answer: 302 },
  'POST /runs/:id/ticket': { answer: 302 },
  // A malformed ticket or number goes back to the run with a message, like every refusal.
  'POST /runs/:id/ticket/add-to': { fields: ['ticketRecordId', 'resend'], answer: 302 },
  'POST /runs/:id/ticket/link': { fields: ['ticketNumber'], answer: 302 },
  // The sweep's run has a created ticket: the form says why no note can be added (no integration).
  'GET /runs/:id/ticket/notes/new': { answer: 200 },
  // No malformed value is a visibility ("internal" or "all"), so the form comes back with it marked.
  'POST /runs/:id/ticket/notes': { fields: ['text', 'visibility', 'submissionKey'], answer: 422 },

  'GET /': { answer: 302 },
  'GET /customers': { fields: ['q', 'mapping', 'page'], answer: 200 },
  'GET /run-checks': { fields: ['q', 'status', 'customer', 'ticket', 'reviewed', 'page', 'open'], answer: 200 },
  'GET /runs/:id': { answer: 200 },
  // Anything but `use=suggestion` shows the form as usual.
  'GET /jobs/:id': { fields: ['use'], answer: 200 },
  'GET /customers/:id/mapping': { answer: 200 },
  'GET /links/autotask/tickets/:ticketId': { answer: 302 },
  'GET /links/autotask/ticket-numbers/:ticketNumber': { answer: 302 },
};
