/** What the simulator remembers about each API request, so tests can count calls and read bodies. */
import type { LoggedRequest } from '@backupchecks/simulator-kit';

export type { RequestOutcome } from '@backupchecks/simulator-kit';

export interface RequestLogEntry extends LoggedRequest {
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
  /** The UserName header, when present (secrets are never logged). */
  username: string | null;
}
