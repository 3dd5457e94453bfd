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
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSimulatorApp } from './app.ts';
import { Faults } from './faults.ts';
import type { RequestLogEntry } from './request-log.ts';
import { ticketPageUrl } from './routes/web.ts';
import type { StateOptions } from './settings.ts';
import { createState, type SimulatorState } from './store.ts';
import { ThreadLimiter } from './thread-limit.ts';

export interface StartSimulatorOptions extends StateOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the simulator and its control API are for this machine only. */
  host?: string;
  /** Origin for absolute URLs when clients reach the simulator through another name. */
  publicOrigin?: string;
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
  const host = options.host ?? '127.0.0.1';
  const app = createSimulatorApp(state, {
    faults,
    threads,
    publicOrigin: options.publicOrigin,
    allowRemoteControl: options.allowRemoteControl,
    onChange: options.onChange,
  });
  const server = createServer(app);
  await listen(server, options.port ?? 0, host);
  const { port } = server.address() as AddressInfo;
  const origin = (options.publicOrigin ?? `http://${urlHost(host)}:${port}`).replace(/\/+$/, '');
  const user = state.users[0];
  if (!user) throw new Error('The simulator needs at least one API user.');
  const webUrl = `${origin}/`;
  let closing: Promise<void> | null = null;

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
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        faults.shutdown();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** A wildcard bind address is not a URL host; IPv6 literals need brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
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
