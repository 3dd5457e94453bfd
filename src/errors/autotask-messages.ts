import {
  AutotaskAuthenticationError,
  AutotaskError,
  AutotaskUnavailableError,
  AutotaskZoneLookupError,
  type AutotaskErrorKind,
  type UnavailableReason,
} from '../autotask/errors.ts';
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

export function explainAutotaskError(e: AutotaskError, context?: string): UpstreamError {
  const sentence = explanations[e.kind];
  return new UpstreamError(context ? `${context} ${sentence}` : sentence, e.detail);
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
