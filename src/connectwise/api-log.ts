import * as shared from '../psa-http/api-log.ts';
import type { ConnectWiseErrorKind } from './errors.ts';

/**
 * The API call log: one entry per HTTP request to ConnectWise (each retry is its own entry), handed
 * to an injected recorder. Entries hold no headers, no query string (conditions carry references)
 * and no request or response body, and every text is scrubbed of the credentials before it leaves
 * the client. The entry, the level and the redaction are those of every PSA client
 * (`src/psa-http/api-log.ts`); here they carry ConnectWise's error kinds.
 */

/** One request; `path` as `/v4_6_release/apis/3.0/service/tickets`, `errorKind` a `ConnectWiseError.kind`. */
export type ApiCallEntry = shared.ApiCallEntry<ConnectWiseErrorKind>;

export type ApiCallRecorder = shared.ApiCallRecorder<ConnectWiseErrorKind>;

/** Keeps entries in an array; for tests. */
export class InMemoryApiCallRecorder extends shared.InMemoryApiCallRecorder<ConnectWiseErrorKind> {}

export { isLogged } from '../psa-http/api-log.ts';
