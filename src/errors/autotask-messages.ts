import {
  AutotaskAuthenticationError,
  AutotaskError,
  AutotaskThreadWaitError,
  AutotaskUnavailableError,
  AutotaskZoneLookupError,
  isThreadThreshold,
  type AutotaskErrorKind,
  type UnavailableReason,
} from '../autotask/errors.ts';
import { paths } from '../paths.ts';
import { AppError, UpstreamError } from './catalogue.ts';

/**
 * The one module of operator-facing sentences about Autotask failures. The client's own `message`
 * is English for developers and logs; what an operator reads comes from here. Autotask's own text
 * travels along as `detail` and is shown verbatim under our sentence.
 */

/** What each kind of Autotask failure means for the operator and what to do about it. */
const explanations: Record<AutotaskErrorKind, string> = {
  authentication:
    'Autotask refused the API credentials. Check the API username, secret and API tracking identifier under Settings → Autotask.',
  zone_lookup:
    'Autotask could not find the API user to look up its zone. Check the API username (and the Sandbox/Production setting).',
  not_found: noSuchRecord('such record'),
  validation: 'Autotask rejected the request.',
  permission: "The Autotask API user's security level does not allow this. Ask your Autotask administrator.",
  rate_limited: 'Autotask is limiting requests right now. Wait a minute, then try again.',
  unavailable: 'Autotask did not answer in time or could not be reached. Try again in a moment.',
};

/**
 * The thread limit counts every request of the API tracking identifier, from every integration and
 * instance using it (docs/autotask.md, Thread limit); writes refused this way were already sent
 * again after a lookup, so this is what is left when that did not help either.
 */
const THREAD_THRESHOLD_SENTENCE =
  'Autotask refused it because too many requests with this API tracking identifier were running at the same time (its thread limit, shared by every integration that uses the identifier). Try again in a moment.';

/**
 * A request that found none of the limit's slots free on our side within the wait
 * (`AutotaskThreadWaitError`, src/db/autotask-threads.ts) was never sent: the same limit and the same
 * remedy, but Autotask said nothing, so the sentence must not say it refused.
 */
const THREAD_WAIT_SENTENCE =
  'Autotask is busy: Backupchecks already had as many requests running as Autotask allows at once for this API tracking identifier (3), and this one was not sent after waiting for a free place. Nothing was changed. Try again in a moment.';

export function explainAutotaskError(e: AutotaskError, context?: string): UpstreamError {
  const sentence = sentenceFor(e);
  return new UpstreamError(context ? `${context} ${sentence}` : sentence, e.detail);
}

function sentenceFor(e: AutotaskError): string {
  if (e instanceof AutotaskThreadWaitError) return THREAD_WAIT_SENTENCE;
  if (isThreadThreshold(e)) return THREAD_THRESHOLD_SENTENCE;
  // Without Autotask's own words (a bare 404/405 from the route layer) the status is all there is.
  if (e.kind === 'validation' && !e.detail && e.status !== null)
    return `Autotask rejected the request (HTTP ${e.status}).`;
  return explanations[e.kind];
}

/** Re-throws Autotask failures as operator-facing UpstreamErrors; anything else unchanged. */
export function rethrowAutotask(context?: string): (e: unknown) => never {
  return (e) => {
    if (e instanceof AutotaskError) throw explainAutotaskError(e, context);
    throw e;
  };
}

// ---------------------------------------------------------------------------------------------
// Checking the connection (Test connection, Validate configuration)

/**
 * Sentences for the credentials cases, told apart because each is fixed in another field of the
 * settings form. The zone lookup is the first call, so an unknown username shows up there.
 */
const credentialSentences = {
  unknownZoneUser:
    'Autotask does not know this API username, so its zone (data centre) could not be found. Check the spelling of the API username; a sandbox user exists only in the sandbox.',
  trackingIdentifier:
    'Autotask does not accept the API tracking identifier. Copy it again from the API user in Autotask (Admin → Resources → the API user → API Tracking Identifier).',
  userName: 'Autotask does not recognise this API username. Check that it is the API-only user exactly as in Autotask.',
  secret:
    'Autotask refused the API secret for this username (HTTP 401). Enter the secret again; repeated failures can lock the API user.',
} as const;

function unavailableHow(reason: UnavailableReason, status: number | null): string {
  switch (reason) {
    case 'timeout':
      return 'did not answer in time';
    case 'network':
      return 'could not be reached';
    case 'server':
      return `answered with a server error${status ? ` (HTTP ${status})` : ''}`;
    case 'bad_response':
      return 'answered in an unexpected format';
  }
}

/**
 * The operator's sentence for a failed step of a connection check: which credential Autotask
 * refused, or that Autotask itself failed (which says nothing about the settings). Other failures
 * use the shared explanations.
 */
export function explainConnectionFailure(e: AutotaskError): string {
  if (e instanceof AutotaskZoneLookupError) return credentialSentences.unknownZoneUser;
  if (e instanceof AutotaskAuthenticationError) {
    const says = (re: RegExp) => e.messages.some((m) => re.test(m));
    if (says(/integration ?code is invalid/i)) return credentialSentences.trackingIdentifier;
    if (says(/user ?name is invalid/i)) return credentialSentences.userName;
    if (e.status === 401) return credentialSentences.secret;
    return explanations.authentication;
  }
  if (e instanceof AutotaskUnavailableError) {
    return `Autotask ${unavailableHow(e.reason, e.status)}. This says nothing about the settings; try again in a few minutes, and check status.autotask.net if it persists.`;
  }
  return explanations[e.kind];
}

// ---------------------------------------------------------------------------------------------
// Run tickets (create, status refresh, resolve)

/** Autotask answers "no such record" and "the API user may not see it" the same way: the sentence names both. */
export function noSuchRecord(what: string): string {
  return `Autotask has no ${what}, or the API user cannot see it.`;
}

/** A ticket create that ended without a ticket, where no more specific sentence was kept. */
export const TICKET_NOT_CREATED = 'Autotask did not create the ticket.';

/**
 * The ticket POST got no usable answer (timeout, dropped connection, server error): the ticket may
 * exist. Nothing is posted again until a lookup by the row's reference settles it.
 */
export const TICKET_UNCONFIRMED =
  'Autotask did not confirm the ticket, so it may or may not exist. Backupchecks looks it up by its reference before anything is sent again; refresh the page in a moment.';

/** TICKET_UNCONFIRMED after what happened to the POST, in our words (Autotask gave none). */
export function ticketUnconfirmed(e: AutotaskError): string {
  const what =
    e instanceof AutotaskUnavailableError
      ? `Autotask ${unavailableHow(e.reason, e.status)}.`
      : explainAutotaskError(e).message;
  return `${what} ${TICKET_UNCONFIRMED}`;
}

/** A created ticket that a status refresh did not get back from Autotask. */
export const TICKET_NOT_RETURNED =
  'Autotask did not return this ticket when its status was last checked (deleted, or not visible to the API user).';

/**
 * A page waits only so long for Autotask (time-entry counts); an answer that comes later still
 * fills the cache, so reloading the page is the remedy.
 */
export const PAGE_WAIT_OVER = 'Autotask did not answer in time. Reload the page to try again.';

/**
 * Why a call to Autotask failed, in one sentence, whatever was thrown: an Autotask failure is
 * explained; a typed error (credentials missing or undecryptable when the client is built) gives
 * its own message; anything else is a fault of Backupchecks itself.
 */
export function autotaskFailureReason(e: unknown): string {
  if (e instanceof AutotaskError) return explainAutotaskError(e).message;
  if (e instanceof AppError) return e.message;
  return 'an unexpected error occurred.';
}

// ---------------------------------------------------------------------------------------------
// Ticket fields a tenant requires (Work Type, ticket category and type, contact)

/** Where an admin sets what a tenant-required ticket field is filled with. */
type FieldSetting =
  | { readonly page: 'settings'; readonly anchor: string; readonly fixLabel: string }
  | { readonly page: 'mapping'; readonly fixLabel: string };

interface TenantTicketField {
  /** Names the field goes by in Autotask's messages; the SOAP API called the Work Type AllocationCodeID. */
  readonly names: readonly string[];
  /** "Autotask requires a Work Type on new tickets." */
  readonly required: string;
  /** "Autotask did not accept the Work Type …" */
  readonly refused: string;
  readonly setting: FieldSetting;
}

/**
 * The ticket fields a tenant can require that Backupchecks can fill, each with its sentences and
 * the setting that provides it. Autotask's exact wording for a missing field is not documented
 * (docs/autotask.md, Error shape), so a message counts when it names the field and says it is
 * required, missing, invalid or unknown.
 */
export const TENANT_TICKET_FIELDS = {
  billingCodeID: {
    names: ['billingCodeID', 'allocationCodeID', 'Work Type'],
    required: 'Autotask requires a Work Type on new tickets.',
    refused:
      'Autotask did not accept the Work Type set for new tickets: it may be inactive or no longer exist. Choose another one.',
    setting: { page: 'settings', anchor: 'f-billingCodeId', fixLabel: 'Set the Work Type in the Autotask settings' },
  },
  ticketCategory: {
    names: ['ticketCategory', 'ticket category'],
    required: 'Autotask requires a ticket category on new tickets.',
    refused:
      'Autotask did not accept the ticket category set for new tickets: it may be inactive or no longer exist. Choose another one.',
    setting: {
      page: 'settings',
      anchor: 'f-ticketCategoryId',
      fixLabel: 'Set the ticket category in the Autotask settings',
    },
  },
  ticketType: {
    names: ['ticketType', 'ticket type'],
    required: 'Autotask requires a ticket type on new tickets.',
    refused:
      'Autotask did not accept the ticket type set for new tickets: it may be inactive or no longer exist. Choose another one.',
    setting: { page: 'settings', anchor: 'f-ticketTypeId', fixLabel: 'Set the ticket type in the Autotask settings' },
  },
  contactID: {
    names: ['contactID'],
    required: "Autotask requires a contact on new tickets. Choose a default contact for this customer's company.",
    refused:
      "Autotask did not accept this customer's default contact: it may be inactive or belong to another company. Choose another one, or remove it.",
    setting: { page: 'mapping', fixLabel: "Choose the customer's default contact" },
  },
} as const satisfies Record<string, TenantTicketField>;

export type TenantTicketFieldName = keyof typeof TENANT_TICKET_FIELDS;

/** A create refused for one of the tenant fields: the sentence, and where an admin fixes it. */
export interface TicketFieldRefusal {
  readonly field: TenantTicketFieldName;
  readonly sentence: string;
  readonly fixLabel: string;
  /** The setting's page, at the field: Settings → Autotask, or the customer's mapping page. */
  fixUrl(customerId: number): string;
}

const MISSING = /required|missing|must (?:be|have) (?:a |an )?(?:value|set)|cannot be (?:empty|blank|null)/i;
const REFUSED = /invalid|not valid|does not exist|doesn't exist|does not reference|not found|inactive|not active/i;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const mentions = (message: string, name: string) =>
  new RegExp(`(?:^|[^a-z0-9])${escapeRegExp(name).replace(/ /g, '\\s+')}(?:[^a-z0-9]|$)`, 'i').test(message);

/**
 * Which tenant field Autotask's messages (or its joined `detail`) refuse, and how: null when none
 * of them names one of these fields together with a reason.
 */
export function ticketFieldRefusal(messages: readonly string[] | string | undefined): TicketFieldRefusal | null {
  const list = typeof messages === 'string' ? [messages] : (messages ?? []);
  for (const message of list) {
    for (const [field, spec] of Object.entries(TENANT_TICKET_FIELDS) as [TenantTicketFieldName, TenantTicketField][]) {
      if (!spec.names.some((name) => mentions(message, name))) continue;
      const sentence = MISSING.test(message) ? spec.required : REFUSED.test(message) ? spec.refused : null;
      if (!sentence) continue;
      const { setting } = spec;
      return {
        field,
        sentence,
        fixLabel: setting.fixLabel,
        fixUrl: (customerId) =>
          setting.page === 'settings'
            ? `${paths.settings.autotask}#${setting.anchor}`
            : `${paths.mapping.show(customerId)}#default-contact`,
      };
    }
  }
  return null;
}

/**
 * The operator's sentence for a definite refusal of a ticket create: the field in plain words
 * when Autotask named one the tenant requires, else the shared explanation.
 */
export function explainTicketRefusal(e: AutotaskError): string {
  const field = e.kind === 'validation' ? ticketFieldRefusal(e.messages) : null;
  return field ? `${TICKET_NOT_CREATED} ${field.sentence}` : explainAutotaskError(e, TICKET_NOT_CREATED).message;
}

// ---------------------------------------------------------------------------------------------
// The ticket's company refused (deleted or made inactive in Autotask since the last sync)

/**
 * Autotask refused a create because of the ticket's company (`companyID`). Its wording for a
 * deleted or inactive company is not documented (docs/autotask.md, Companies), so a message counts
 * when it names `companyID` together with a reason, as for the tenant fields above.
 */
export function refusesTicketCompany(e: AutotaskError): boolean {
  return e.kind === 'validation' && e.messages.some((m) => mentions(m, 'companyID') && REFUSED.test(m));
}

/** What reading the mapped company again after such a refusal found. */
export type CompanyRecheck =
  /** Deleted, inactive or invisible: the mapping is now invalid; `reason` is the mapping's status reason. */
  | { readonly found: 'invalid'; readonly reason: string | null }
  /** Autotask returns it as an active company: the refusal has another cause. */
  | { readonly found: 'usable' }
  /** The read failed: the mapping is unchanged. */
  | { readonly found: 'unchecked' };

/** Our sentence for a create refused for its company; Autotask's own words are shown under it. */
export function ticketCompanyRefused(customerName: string, companyId: number, check: CompanyRecheck): string {
  const refused = `${TICKET_NOT_CREATED} It did not accept the Autotask company of ${customerName} (company ${companyId}).`;
  switch (check.found) {
    case 'invalid':
      return `${refused} ${check.reason ?? 'It was deleted, made inactive or is not visible to the API user.'} The mapping is marked invalid: an admin must fix it before a ticket can be created.`;
    case 'usable':
      return `${refused} Autotask still returns it as an active company, so check the company and the API user's permissions in Autotask.`;
    case 'unchecked':
      return `${refused} Backupchecks could not read the company again to check why, so the mapping is unchanged; refresh it on the customer's mapping page.`;
  }
}

// ---------------------------------------------------------------------------------------------
// Ticket notes written from Backupchecks (src/services/tickets/notes/)

/** A note that ended without being written, where no more specific sentence was kept. */
export const NOTE_NOT_ADDED = 'Autotask did not add the note.';

/** A definite refusal of a note POST: nothing was written, so the same form may be sent again. */
export function explainNoteRefusal(e: AutotaskError): string {
  return explainAutotaskError(e, NOTE_NOT_ADDED).message;
}

/**
 * The note POST got no usable answer and the ticket's notes did not (yet) show it: the note may
 * exist. It is looked for on the ticket before it is ever sent again.
 */
export function noteUnconfirmed(e: AutotaskError): string {
  const what =
    e instanceof AutotaskUnavailableError
      ? `Autotask ${unavailableHow(e.reason, e.status)}.`
      : explainAutotaskError(e).message;
  return `${what} Autotask did not confirm the note, so it may or may not be on the ticket. Backupchecks looks for it on the ticket before it is ever sent again.`;
}

/** An earlier attempt may have written the note, and the ticket's notes could not be read to check. */
export function noteLookupFailed(e: unknown): string {
  return `An earlier attempt may have added this note, and the notes of the ticket could not be read to check, so nothing was sent: ${autotaskFailureReason(e)}`;
}
