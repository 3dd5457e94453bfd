import { PsaError, toPsaError, type PsaErrorKind, type UnavailableReason } from '../psa/errors.ts';
import { PSA_NAMES, type PsaType } from '../psa/port.ts';
import { AppError, UpstreamError } from './catalogue.ts';

/**
 * The one module of operator-facing sentences about PSA failures, for every PSA. The client's own
 * `message` is English for developers and logs; what an operator reads comes from here. The PSA's
 * own text travels along as `detail` and is shown verbatim under our sentence. The Autotask
 * sentences are the ones Backupchecks had before ConnectWise; Autotask-only cases (credentials
 * told apart, the fields tenants require) are in `./autotask-messages.ts`.
 */

const explanations: Record<PsaType, Record<PsaErrorKind, string>> = {
  autotask: {
    authentication:
      'Autotask refused the API credentials. Check the API username, secret and API tracking identifier under Settings → Autotask.',
    zone_lookup:
      'Autotask could not find the API user to look up its zone. Check the API username (and the Sandbox/Production setting).',
    not_found: noSuchRecord('autotask', 'such record'),
    validation: 'Autotask rejected the request.',
    permission: "The Autotask API user's security level does not allow this. Ask your Autotask administrator.",
    rate_limited: 'Autotask is limiting requests right now. Wait a minute, then try again.',
    unavailable: 'Autotask did not answer in time or could not be reached. Try again in a moment.',
  },
  connectwise: {
    authentication:
      'ConnectWise refused the API credentials. Check the company ID, public key, private key and clientId under Settings → ConnectWise.',
    zone_lookup:
      'ConnectWise refused the API credentials. Check the company ID, public key, private key and clientId under Settings → ConnectWise.',
    not_found: noSuchRecord('connectwise', 'such record'),
    validation: 'ConnectWise rejected the request.',
    permission: "The ConnectWise API member's security role does not allow this. Ask your ConnectWise administrator.",
    rate_limited: 'ConnectWise is limiting requests right now. Wait a minute, then try again.',
    unavailable: 'ConnectWise did not answer in time or could not be reached. Try again in a moment.',
  },
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
 * (src/db/autotask-threads.ts) was never sent: the same limit and the same remedy, but Autotask
 * said nothing, so the sentence must not say it refused.
 */
const THREAD_WAIT_SENTENCE =
  'Autotask is busy: Backupchecks already had as many requests running as Autotask allows at once for this API tracking identifier (3), and this one was not sent after waiting for a free place. Nothing was changed. Try again in a moment.';

export function explainPsaError(e: PsaError, context?: string): UpstreamError {
  const sentence = sentenceFor(e);
  const error = new UpstreamError(context ? `${context} ${sentence}` : sentence, e.detail);
  error.detailSource = e.psaName;
  return error;
}

function sentenceFor(e: PsaError): string {
  if (e.rateLimit === 'thread_wait') return THREAD_WAIT_SENTENCE;
  if (e.rateLimit === 'thread_threshold') return THREAD_THRESHOLD_SENTENCE;
  // Without the PSA's own words (a bare 404/405 from the route layer) the status is all there is.
  if (e.kind === 'validation' && !e.detail && e.status !== null)
    return `${e.psaName} rejected the request (HTTP ${e.status}).`;
  return explanations[e.psa][e.kind];
}

/** Re-throws PSA failures (of the port or of a client) as operator-facing UpstreamErrors; anything else unchanged. */
export function rethrowPsa(context?: string): (e: unknown) => never {
  return (e) => {
    const psaError = toPsaError(e);
    if (psaError instanceof PsaError) throw explainPsaError(psaError, context);
    throw e;
  };
}

export function unavailableHow(reason: UnavailableReason, status: number | null): string {
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
 * Why a call to the PSA failed, in one sentence, whatever was thrown: a PSA failure is explained;
 * a typed error (credentials missing or undecryptable when the client is built) gives its own
 * message; anything else is a fault of Backupchecks itself.
 */
export function psaFailureReason(e: unknown): string {
  const psaError = toPsaError(e);
  if (psaError instanceof PsaError) return explainPsaError(psaError).message;
  if (e instanceof AppError) return e.message;
  return 'an unexpected error occurred.';
}

// ---------------------------------------------------------------------------------------------
// Run tickets (create, status refresh, resolve)

/** A PSA answers "no such record" and "the API user may not see it" the same way: the sentence names both. */
export function noSuchRecord(psa: PsaType, what: string): string {
  return `${PSA_NAMES[psa]} has no ${what}, or the API ${psa === 'connectwise' ? 'member' : 'user'} cannot see it.`;
}

/** A ticket create that ended without a ticket, where no more specific sentence was kept. */
export const ticketNotCreated = (psa: PsaType): string => `${PSA_NAMES[psa]} did not create the ticket.`;

/**
 * The ticket POST got no usable answer (timeout, dropped connection, server error): the ticket may
 * exist. Nothing is posted again until a lookup by the row's reference settles it.
 */
export const ticketUnconfirmedText = (psa: PsaType): string =>
  `${PSA_NAMES[psa]} did not confirm the ticket, so it may or may not exist. Backupchecks looks it up by its reference before anything is sent again; refresh the page in a moment.`;

/** What happened to the POST, in our words (the PSA gave none). */
function whatHappened(e: PsaError): string {
  return e.unavailable ? `${e.psaName} ${unavailableHow(e.unavailable, e.status)}.` : explainPsaError(e).message;
}

/** `ticketUnconfirmedText` after what happened to the POST. */
export function ticketUnconfirmed(e: PsaError): string {
  return `${whatHappened(e)} ${ticketUnconfirmedText(e.psa)}`;
}

/** A created ticket that a status refresh did not get back from the PSA. */
export const ticketNotReturned = (psa: PsaType): string =>
  `${PSA_NAMES[psa]} did not return this ticket when its status was last checked (deleted, or not visible to the API ${psa === 'connectwise' ? 'member' : 'user'}).`;

/**
 * A page waits only so long for the PSA (time-entry counts); an answer that comes later still
 * fills the cache, so reloading the page is the remedy.
 */
export const pageWaitOver = (psa: PsaType): string =>
  `${PSA_NAMES[psa]} did not answer in time. Reload the page to try again.`;

// ---------------------------------------------------------------------------------------------
// Ticket notes written from Backupchecks (src/services/tickets/notes/)

/** A note that ended without being written, where no more specific sentence was kept. */
export const noteNotAdded = (psa: PsaType): string => `${PSA_NAMES[psa]} did not add the note.`;

/** A definite refusal of a note POST: nothing was written, so the same form may be sent again. */
export function explainNoteRefusal(e: PsaError): string {
  return explainPsaError(e, noteNotAdded(e.psa)).message;
}

/**
 * The note POST got no usable answer and the ticket's notes did not (yet) show it: the note may
 * exist. It is looked for on the ticket before it is ever sent again.
 */
export function noteUnconfirmed(e: PsaError): string {
  return `${whatHappened(e)} ${e.psaName} did not confirm the note, so it may or may not be on the ticket. Backupchecks looks for it on the ticket before it is ever sent again.`;
}

/** An earlier attempt may have written the note, and the ticket's notes could not be read to check. */
export function noteLookupFailed(e: unknown): string {
  return `An earlier attempt may have added this note, and the notes of the ticket could not be read to check, so nothing was sent: ${psaFailureReason(e)}`;
}
