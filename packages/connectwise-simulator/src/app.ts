/**
 * The simulator as an Express app, without a listening socket. `startConnectWiseSimulator` in index.ts wraps it in an
 * HTTP server.
 *
 *   /v4_6_release/apis/3.0/...          the REST API (routes/api.ts)
 *   /login/companyinfo/{companyId}      where clients learn the codebase (routes/company-info.ts)
 *   /__sim/...                          control API and page (control.ts)
 */
import { simulatorExpress } from '@backupchecks/simulator-kit';
import type { Express } from 'express';
import { controlRouter } from './control.ts';
import { Faults } from './faults.ts';
import { apiHandler } from './routes/api.ts';
import { companyInfoHandler } from './routes/company-info.ts';
import { createState, type ConnectWiseState } from './store.ts';

export interface ConnectWiseAppOptions {
  faults?: Faults | undefined;
  /** Origin used in absolute URLs (`_info` links, Link headers) instead of the request's Host header. */
  publicOrigin?: string | undefined;
  /** Let non-loopback clients use `/__sim/`. Default false. */
  allowRemoteControl?: boolean | undefined;
  /** Called after every request that may have changed the tenant (neither GET nor HEAD): the app's demo saves it. */
  onChange?: (() => void) | undefined;
}

export type ConnectWiseApp = Express & {
  readonly simulator: { readonly state: ConnectWiseState; readonly faults: Faults };
};

export function createConnectWiseApp(
  state: ConnectWiseState = createState(),
  options: ConnectWiseAppOptions = {},
): ConnectWiseApp {
  const faults = options.faults ?? new Faults();
  const app = simulatorExpress({ onChange: options.onChange }, (routes) => {
    routes.use(apiHandler(state, { faults, publicOrigin: options.publicOrigin }));
    routes.get('/login/companyinfo/:companyId', companyInfoHandler(state, options.publicOrigin));
    routes.use('/__sim', controlRouter(state, { faults, allowRemote: options.allowRemoteControl }));
  });
  return Object.assign(app, { simulator: { state, faults } });
}
