/** What the simulator remembers about each API request, so tests can count calls and read bodies. */

export type RequestOutcome =
  /** A response was sent. */
  | 'answered'
  /** Still waiting: latency, a hang fault, or a slow handler. */
  | 'pending'
  /** A hang fault: never answered; the socket is closed by the client or at simulator close. */
  | 'hung'
  /** Applied, then the socket was destroyed without an answer (drop-response fault). */
  | 'dropped'
  /** The client went away before an answer was sent. */
  | 'aborted';

export interface RequestLogEntry {
  /** Sequence number, starting at 1 after each reset. */
  seq: number;
  method: string;
  /** URL path as received (original casing), without the query string. */
  path: string;
  /** Raw query string without `?`, or '' (GET queries carry `search=` here). */
  query: string;
  /** Canonical entity name (`Tickets`, `TicketNotes`, …), `zoneInformation`, `ThresholdInformation`, `versionInformation`, or null for an unknown path. */
  entity: string | null;
  /** Parsed JSON body, or null when there was none. GET queries: the parsed `search` parameter. */
  body: unknown;
  /** HTTP status sent, or that would have been sent for a dropped response; null while pending or hung. */
  status: number | null;
  outcome: RequestOutcome;
  /** ISO time of arrival, from the simulator clock. */
  at: string;
  /** The UserName header, when present (secrets are never logged). */
  username: string | null;
}
