import {
  AutotaskAuthenticationError,
  AutotaskError,
  AutotaskUnavailableError,
  AutotaskZoneLookupError,
} from '../autotask/errors.ts';
import { paths } from '../paths.ts';
import { fromAutotask, PsaError } from '../psa/errors.ts';
import type { UpstreamError } from './catalogue.ts';
import {
  explainPsaError,
  noSuchRecord as psaNoSuchRecord,
  psaFailureReason,
  rethrowPsa,
  ticketNotCreated,
  ticketNotReturned,
  ticketUnconfirmed as psaTicketUnconfirmed,
  ticketUnconfirmedText,
  pageWaitOver,
  unavailableHow,
  noteNotAdded,
  explainNoteRefusal as psaExplainNoteRefusal,
  noteUnconfirmed as psaNoteUnconfirmed,
  noteLookupFailed,
} from './psa-messages.ts';

/**
 * The operator's sentences that only Autotask needs: its credentials told apart in a connection
 * check, and the ticket fields a tenant can require. The sentences every PSA shares are in
 * `./psa-messages.ts`; the names below that take an Autotask client error are kept for the
 * Autotask settings pages, which talk to the Autotask client directly.
 */

export function explainAutotaskError(e: AutotaskError | PsaError, context?: string): UpstreamError {
  return explainPsaError(e instanceof PsaError ? e : fromAutotask(e), context);
}

/** Re-throws Autotask failures as operator-facing UpstreamErrors; anything else unchanged. */
export const rethrowAutotask = rethrowPsa;

/** Why a call to Autotask failed, in one sentence, whatever was thrown. */
export const autotaskFailureReason = psaFailureReason;

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
    return explainPsaError(fromAutotask(e)).message;
  }
  if (e instanceof AutotaskUnavailableError) {
    return `Autotask ${unavailableHow(e.reason, e.status)}. This says nothing about the settings; try again in a few minutes, and check status.autotask.net if it persists.`;
  }
  return explainPsaError(fromAutotask(e)).message;
}

// ---------------------------------------------------------------------------------------------
// Run tickets: the shared sentences with Autotask's name (`./psa-messages.ts`)

export const noSuchRecord = (what: string): string => psaNoSuchRecord('autotask', what);
export const TICKET_NOT_CREATED = ticketNotCreated('autotask');
export const TICKET_UNCONFIRMED = ticketUnconfirmedText('autotask');
export const TICKET_NOT_RETURNED = ticketNotReturned('autotask');
export const PAGE_WAIT_OVER = pageWaitOver('autotask');

export function ticketUnconfirmed(e: AutotaskError | PsaError): string {
  return psaTicketUnconfirmed(e instanceof PsaError ? e : fromAutotask(e));
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
export const REFUSED =
  /invalid|not valid|does not exist|doesn't exist|does not reference|not found|inactive|not active/i;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
export const mentions = (message: string, name: string) =>
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

// ---------------------------------------------------------------------------------------------
// Ticket notes: the shared sentences with Autotask's name (`./psa-messages.ts`)

export const NOTE_NOT_ADDED = noteNotAdded('autotask');
export const explainNoteRefusal = (e: AutotaskError | PsaError): string =>
  psaExplainNoteRefusal(e instanceof PsaError ? e : fromAutotask(e));
export const noteUnconfirmed = (e: AutotaskError | PsaError): string =>
  psaNoteUnconfirmed(e instanceof PsaError ? e : fromAutotask(e));
export { noteLookupFailed };
