/** What the simulator remembers about each API request, so tests can count calls and read bodies. */
import type { LoggedRequest } from '@backupchecks/simulator-kit';

export type { RequestOutcome } from '@backupchecks/simulator-kit';

export interface RequestLogEntry extends LoggedRequest {
  /** The resource the request is fault-matched under (`service/tickets`, `time/entries`, …); null: unknown path. */
  resource: string | null;
  /** `companyId+publicKey` from the Authorization header, when it decoded (the private key is never logged). */
  login: string | null;
  /** The clientId header, when present. */
  clientId: string | null;
}
