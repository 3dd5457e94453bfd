/**
 * A local Autotask PSA REST simulator that follows Autotask's documented wire format (the facts are
 * collected in the app's docs/autotask.md), for `npm start`'s demo and for tests. It is built
 * from that description, not from the app's client, so it can catch the client's mistakes.
 *
 *   const sim = await startSimulator();            // port 0 → an ephemeral port on 127.0.0.1
 *   // client: GET `${sim.zoneLookupUrl}/V1.0/zoneInformation?user=…` → { url: sim.apiUrl, … }
 *   sim.faults.dropResponseNext({ method: 'POST', entity: 'Tickets' });
 *   sim.state.addTimeEntry(ticketId, { billable: true });
 *   await sim.close();
 */
import { listenSimulator, type ListenOptions } from '@backupchecks/simulator-kit';
import { createSimulatorApp } from './app.ts';
import { Faults } from './faults.ts';
import type { RequestLogEntry } from './request-log.ts';
import { ticketPageUrl } from './routes/web.ts';
import type { StateOptions } from './settings.ts';
import { createState, type SimulatorState } from './store.ts';
import { ThreadLimiter } from './thread-limit.ts';

/** Port, host and public origin as the simulator kit's ListenOptions say. */
export interface StartSimulatorOptions extends StateOptions, ListenOptions {
  allowRemoteControl?: boolean;
  /** Called after every request that may have changed the tenant; see SimulatorAppOptions.onChange. */
  onChange?: () => void;
}

export interface SimulatorCredentials {
  username: string;
  secret: string;
  integrationCode: string;
}

export interface Simulator {
  /** e.g. `http://127.0.0.1:PORT/ATServicesRest`; the client calls `${zoneLookupUrl}/V1.0/zoneInformation?user=…`. */
  readonly zoneLookupUrl: string;
  /** The zone `url`, with trailing slash: `http://127.0.0.1:PORT/ATServicesRest/`. */
  readonly apiUrl: string;
  /** The zone `webUrl`, with trailing slash. */
  readonly webUrl: string;
  /** The control page and API: `http://127.0.0.1:PORT/__sim/`. */
  readonly controlUrl: string;
  readonly port: number;
  /** The first configured API user (the demo user by default). */
  readonly credentials: SimulatorCredentials;
  readonly state: SimulatorState;
  readonly faults: Faults;
  readonly threads: ThreadLimiter;
  /** Same array as `state.requestLog`. */
  readonly requestLog: RequestLogEntry[];
  /** The web UI link for a ticket (Autotask's ExecuteCommand page). */
  ticketUrl(ticketId: number): string;
  /**
   * Back to the seed; clears faults (ending hung requests), held threads, the thread high-water marks, the request
   * log and counters.
   */
  reset(): void;
  /** Stops listening and destroys every open socket, hung ones included. Safe to call twice. */
  close(): Promise<void>;
}

export async function startSimulator(options: StartSimulatorOptions = {}): Promise<Simulator> {
  const state = createState(options);
  const faults = new Faults();
  const threads = new ThreadLimiter();
  const app = createSimulatorApp(state, {
    faults,
    threads,
    publicOrigin: options.publicOrigin,
    allowRemoteControl: options.allowRemoteControl,
    onChange: options.onChange,
  });
  const server = await listenSimulator(app, options, () => faults.shutdown());
  const { port, origin } = server;
  const user = state.users[0];
  if (!user) throw new Error('The simulator needs at least one API user.');
  const webUrl = `${origin}/`;

  return {
    zoneLookupUrl: `${origin}/ATServicesRest`,
    apiUrl: `${origin}/ATServicesRest/`,
    webUrl,
    controlUrl: `${origin}/__sim/`,
    port,
    credentials: { username: user.username, secret: user.secret, integrationCode: user.integrationCode },
    state,
    faults,
    threads,
    requestLog: state.requestLog,
    ticketUrl: (ticketId) => ticketPageUrl(webUrl, ticketId),
    reset() {
      faults.clear();
      threads.releaseHeld();
      threads.resetHighWater();
      state.reset();
    },
    close: () => server.close(),
  };
}

export { createSimulatorApp, type SimulatorApp, type SimulatorAppOptions } from './app.ts';
export {
  Faults,
  type FailOptions,
  type HangOptions,
  type DropOptions,
  type RateLimitOptions,
  type ThreadThresholdOptions,
  type FaultsSnapshot,
} from './faults.ts';
export { ThreadLimiter, THREAD_LIMIT_MESSAGE, type ThreadSlots, type ThreadsSnapshot } from './thread-limit.ts';
export { createState, SimulatorState } from './store.ts';
export {
  DEFAULT_SETTINGS,
  type SimulatorSettings,
  type StateOptions,
  type SeedName,
  type SimulatorSnapshot,
} from './settings.ts';
export type { RequestLogEntry, RequestOutcome } from './request-log.ts';
export type * from './types.ts';
export { DEMO_USER, API_ROOT_COMPANY_ID } from './seed-data.ts';
export { QUEUE, ISSUE, SUB_ISSUE } from './seed-picklists.ts';
export { WORK_TYPE, CONTACT, USE_TYPE } from './seed-tenant-fields.ts';
export {
  addContact,
  setBillingCodeActive,
  setContactActive,
  setPicklistValueActive,
  setRequiredTicketFields,
  tenantRequiredMessage,
  TENANT_FIELD_CHOICES,
} from './tenant-fields.ts';
export { INVALID_INTEGRATION_CODE, INVALID_USER } from './auth.ts';
export { ZONE_NOT_DETERMINED } from './routes/discovery.ts';
export { QUEUE_REQUIRED_MESSAGE, RESOURCE_ROLE_MESSAGE, NO_MATCHING_RECORD } from './routes/tickets.ts';
export { ticketPageUrl } from './routes/web.ts';
