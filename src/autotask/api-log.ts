import * as shared from '../psa-http/api-log.ts';
import type { AutotaskErrorKind } from './errors.ts';

/**
 * The API call log: one entry per HTTP request to Autotask (each retry is its own entry), handed
 * to an injected recorder. Entries hold no headers, no query string and no request or response
 * body, and every text is scrubbed of the credentials before it leaves the client. The entry, the
 * level and the redaction are those of every PSA client (`src/psa-http/api-log.ts`); here they
 * carry Autotask's error kinds.
 */

/** One request; `path` as `/ATServicesRest/V1.0/Tickets`, `errorKind` an `AutotaskError.kind`. */
export type ApiCallEntry = shared.ApiCallEntry<AutotaskErrorKind>;

export type ApiCallRecorder = shared.ApiCallRecorder<AutotaskErrorKind>;

/** Keeps entries in an array; for tests and the simulator-backed demo. */
export class InMemoryApiCallRecorder extends shared.InMemoryApiCallRecorder<AutotaskErrorKind> {}

export { isLogged } from '../psa-http/api-log.ts';
