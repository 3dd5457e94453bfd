/** What the simulator remembers about each API request, so tests can count calls and read bodies. */

export type RequestOutcome =
  /** A response was sent. */
  | 'answered'
  /** Still waiting: latency, a hang fault, or a slow handler. */
  | 'pending'
  /** A hang fault: never answered; the socket is closed by the client or at simulator close. */
  | 'hung'
  /** Applied, then the socket was destroyed without an answer (the lost-answer fault). */
  | 'dropped'
  /** The client went away before an answer was sent. */
  | 'aborted';

export interface RequestLogEntry {
  /** Sequence number, starting at 1 after each reset. */
  seq: number;
  method: string;
  /** URL path as received, without the query string. */
  path: string;
  /** Raw query string without `?`, or ''. */
  query: string;
  /** The resource the request is fault-matched under (`service/tickets`, `time/entries`, …); null: unknown path. */
  resource: string | null;
  /** Parsed JSON body, or null when there was none. */
  body: unknown;
  /** HTTP status sent, or that would have been sent for a dropped response; null while pending or hung. */
  status: number | null;
  outcome: RequestOutcome;
  /** ISO time of arrival, from the simulator clock. */
  at: string;
  /** `companyId+publicKey` from the Authorization header, when it decoded (the private key is never logged). */
  login: string | null;
  /** The clientId header, when present. */
  clientId: string | null;
}
