/**
 * Every URL of the app in one place. Routes mount these patterns, controllers redirect to them and
 * views link to them (`paths` is a view local), so an address is written once. Run and LiveLink
 * addresses go into Autotask tickets: they must never change.
 */
type Id = number | string;

export const paths = {
  home: '/',
  health: '/healthz',
  /** Prometheus scrape, with METRICS_TOKEN as a bearer token (docs/operations.md). */
  metrics: '/metrics',
  login: '/login',
  /** The second sign-in step when the account has two-factor sign-in on. */
  loginTwoFactor: '/login/two-factor',
  logout: '/logout',

  /** The signed-in user's own account: password, sessions, two-factor sign-in. */
  account: {
    index: '/account',
    password: '/account/password',
    signOutOthers: '/account/sessions/sign-out-others',
    twoFactor: '/account/two-factor',
    twoFactorConfirm: '/account/two-factor/confirm',
    twoFactorDisable: '/account/two-factor/disable',
    recoveryCodes: '/account/two-factor/recovery-codes',
  },

  runChecks: {
    index: '/run-checks',
    reviewRun: (runId: Id) => `/run-checks/runs/${runId}/review`,
    reviewJob: (jobId: Id) => `/run-checks/jobs/${jobId}/review`,
    /** "Mark reviewed" for the rows selected on Run Checks (`job` fields: `<jobId>:<newest run id shown>`). */
    reviewSelected: '/run-checks/review',
    /** Runs for a customer nobody knows yet (admins): the list, and its two actions (report id in the form). */
    unmatched: '/run-checks/unmatched',
    assignUnmatched: '/run-checks/unmatched/assign',
    createCustomerFromUnmatched: '/run-checks/unmatched/create-customer',
  },
  runs: {
    show: (runId: Id) => `/runs/${runId}`,
    createTicket: (runId: Id) => `/runs/${runId}/ticket`,
    resolveTicket: (runId: Id) => `/runs/${runId}/ticket/resolve`,
    /** "Add to ticket T…": the run joins its job's open ticket (a recurring problem). */
    addToTicket: (runId: Id) => `/runs/${runId}/ticket/add-to`,
    /** "Link ticket": a ticket opened in Autotask by hand, by its number. */
    linkTicket: (runId: Id) => `/runs/${runId}/ticket/link`,
    /** "Add note": the form (GET) and where it posts. */
    newTicketNote: (runId: Id) => `/runs/${runId}/ticket/notes/new`,
    ticketNotes: (runId: Id) => `/runs/${runId}/ticket/notes`,
  },
  /** A job's page: its schedule, maintenance pause and recent runs (docs/missed-runs.md). */
  jobs: {
    show: (jobId: Id) => `/jobs/${jobId}`,
    schedule: (jobId: Id) => `/jobs/${jobId}/schedule`,
    removeSchedule: (jobId: Id) => `/jobs/${jobId}/schedule/remove`,
    pause: (jobId: Id) => `/jobs/${jobId}/pause`,
    resume: (jobId: Id) => `/jobs/${jobId}/resume`,
  },
  liveLinks: {
    byTicketId: (ticketId: Id) => `/links/autotask/tickets/${ticketId}`,
    // Autotask ticket numbers look like T20260113.0042: nothing in them needs encoding.
    byTicketNumber: (ticketNumber: string) => `/links/autotask/ticket-numbers/${ticketNumber}`,
  },

  customers: {
    index: '/customers',
    edit: (customerId: Id) => `/customers/${customerId}/edit`,
    rename: (customerId: Id) => `/customers/${customerId}/name`,
    active: (customerId: Id) => `/customers/${customerId}/active`,
    /** "Remove alias" on the edit page (the alias id in the form). */
    removeAlias: (customerId: Id) => `/customers/${customerId}/aliases/remove`,
    /** Maintenance: no run of the customer's jobs is reported missed while paused. */
    pause: (customerId: Id) => `/customers/${customerId}/pause`,
    resume: (customerId: Id) => `/customers/${customerId}/resume`,
  },
  mapping: {
    show: (customerId: Id) => `/customers/${customerId}/mapping`,
    search: (customerId: Id) => `/customers/${customerId}/mapping/search`,
    clear: (customerId: Id) => `/customers/${customerId}/mapping/clear`,
    refresh: (customerId: Id) => `/customers/${customerId}/mapping/refresh`,
    contacts: (customerId: Id) => `/customers/${customerId}/mapping/contacts`,
    contact: (customerId: Id) => `/customers/${customerId}/mapping/contact`,
    clearContact: (customerId: Id) => `/customers/${customerId}/mapping/contact/clear`,
    refreshAll: '/customers/mappings/refresh-all',
    suggestions: '/customers/mappings/suggestions',
    confirmSuggestion: '/customers/mappings/suggestions/confirm',
    confirmExactSuggestions: '/customers/mappings/suggestions/confirm-exact',
  },

  settings: {
    index: '/settings',
    autotask: '/settings/autotask',
    autotaskPicklistsRefresh: '/settings/autotask/picklists/refresh',
    autotaskTest: '/settings/autotask/test',
    autotaskValidate: '/settings/autotask/validate',
    autotaskDiagnostics: '/settings/autotask/diagnostics',
    autotaskExport: '/settings/autotask/export.md',
    autotaskDisconnect: '/settings/autotask/disconnect',
    /** "Use Autotask": makes Autotask the active PSA (src/psa/switch.ts). */
    autotaskActivate: '/settings/autotask/activate',
    connectwise: '/settings/connectwise',
    connectwiseListsRefresh: '/settings/connectwise/lists/refresh',
    connectwiseTest: '/settings/connectwise/test',
    connectwiseValidate: '/settings/connectwise/validate',
    connectwiseDiagnostics: '/settings/connectwise/diagnostics',
    /** "Use ConnectWise": makes ConnectWise the active PSA (src/psa/switch.ts). */
    connectwiseActivate: '/settings/connectwise/activate',
    security: '/settings/security',
    /** How long records are kept before the scheduled pruning removes them (docs/operations.md). */
    retention: '/settings/retention',
    apiTokens: '/settings/api-tokens',
    revokeApiToken: (tokenId: Id) => `/settings/api-tokens/${tokenId}/revoke`,
  },

  users: {
    index: '/users',
    role: (userId: Id) => `/users/${userId}/role`,
    active: (userId: Id) => `/users/${userId}/active`,
    password: (userId: Id) => `/users/${userId}/password`,
    signOut: (userId: Id) => `/users/${userId}/sign-out`,
    resetTwoFactor: (userId: Id) => `/users/${userId}/two-factor/reset`,
  },
  audit: '/audit',

  api: {
    runs: '/api/v1/runs',
  },
} as const;

/** A route pattern for Express from a path builder: `pattern(paths.runs.show)` is `/runs/:id`. */
export function pattern(build: (id: string) => string, param = 'id'): string {
  return build(`:${param}`);
}
