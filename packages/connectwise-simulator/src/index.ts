/**
 * A local ConnectWise PSA (Manage) REST API v3.0 simulator that follows ConnectWise's documented wire format (the
 * facts, with sources and open questions, are collected in the app's docs/connectwise.md), for tests and manual
 * trials. It is built from that description, not from the app's client, so it can catch the client's mistakes.
 *
 *   const sim = await startConnectWiseSimulator();   // port 0 → an ephemeral port on 127.0.0.1
 *   // client: GET `${sim.baseUrl}/service/tickets?conditions=…` with Basic companyId+publicKey:privateKey + clientId
 *   sim.faults.dropResponseNext({ method: 'POST', resource: 'service/tickets' });
 *   sim.state.addTimeEntry(ticketId, { billable: true, hidden: true });
 *   await sim.close();
 */
import { listenSimulator, type ListenOptions } from '@backupchecks/simulator-kit';
import { createConnectWiseApp } from './app.ts';
import { Faults } from './faults.ts';
import type { RequestLogEntry } from './request-log.ts';
import type { StateOptions } from './settings.ts';
import { createState, type ConnectWiseState } from './store.ts';
import type { ConnectWiseCredentials } from './types.ts';

/** Port, host and public origin as the simulator kit's ListenOptions say. */
export interface StartConnectWiseSimulatorOptions extends StateOptions, ListenOptions {
  allowRemoteControl?: boolean;
  /** Called after every request that may have changed the tenant; see ConnectWiseAppOptions.onChange. */
  onChange?: () => void;
}

export interface ConnectWiseSimulator {
  /** The API root without trailing slash: `http://127.0.0.1:PORT/v4_6_release/apis/3.0`. */
  readonly baseUrl: string;
  /** The site a client is configured with: `http://127.0.0.1:PORT` (login/companyinfo lives there). */
  readonly siteUrl: string;
  /** The control page and API: `http://127.0.0.1:PORT/__sim/`. */
  readonly controlUrl: string;
  readonly port: number;
  readonly credentials: ConnectWiseCredentials;
  readonly state: ConnectWiseState;
  readonly faults: Faults;
  /** Same array as `state.requestLog`. */
  readonly requestLog: RequestLogEntry[];
  /** Back to the seed; clears faults (ending hung requests), the request log and settings changes. */
  reset(): void;
  /** Stops listening and destroys every open socket, hung ones included. Safe to call twice. */
  close(): Promise<void>;
}

export async function startConnectWiseSimulator(
  options: StartConnectWiseSimulatorOptions = {},
): Promise<ConnectWiseSimulator> {
  const state = createState(options);
  const faults = new Faults();
  const app = createConnectWiseApp(state, {
    faults,
    publicOrigin: options.publicOrigin,
    allowRemoteControl: options.allowRemoteControl,
    onChange: options.onChange,
  });
  const server = await listenSimulator(app, options, () => faults.shutdown());
  const { port, origin } = server;

  return {
    baseUrl: `${origin}/${state.settings.codebase}/apis/3.0`,
    siteUrl: origin,
    controlUrl: `${origin}/__sim/`,
    port,
    credentials: { ...state.credentials },
    state,
    faults,
    requestLog: state.requestLog,
    reset() {
      faults.clear();
      state.reset();
    },
    close: () => server.close(),
  };
}

export { createConnectWiseApp, type ConnectWiseApp, type ConnectWiseAppOptions } from './app.ts';
export {
  Faults,
  type FailOptions,
  type HangOptions,
  type DropOptions,
  type RateLimitOptions,
  type FaultsSnapshot,
} from './faults.ts';
export { createState, ConnectWiseState, type ConnectWiseSnapshot, type TimeEntryInput } from './store.ts';
export {
  DEFAULT_SETTINGS,
  DEFAULT_CREDENTIALS,
  type ConnectWiseSettings,
  type StateOptions,
  type SeedName,
} from './settings.ts';
export type { RequestLogEntry, RequestOutcome } from './request-log.ts';
export type * from './types.ts';
export { BOARD, STATUS, PRIORITY, TYPE, SUBTYPE, ITEM, COMPANY, COMPANY_STATUS, MEMBER, CONTACT } from './seed.ts';
export { parseConditions, ConditionsError, type Condition, type Literal } from './conditions.ts';
export { compileConditions, likeMatch, type FieldMap, type FieldDef } from './conditions-eval.ts';
export type { ErrorBody, ValidationItem } from './errors.ts';
export { BAD_CREDENTIALS, MISSING_AUTHORIZATION, MISSING_CLIENT_ID, UNKNOWN_CLIENT_ID } from './auth.ts';
