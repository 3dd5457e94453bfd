/**
 * The simulator as an Express app, without a listening socket (for supertest). `startSimulator`
 * in index.ts wraps it in an HTTP server.
 *
 *   /ATServicesRest/...                           the REST API (routes/api.ts)
 *   /Autotask/AutotaskExtend/ExecuteCommand.aspx  the web UI link target (routes/web.ts)
 *   /__sim/...                                    control API and page (control.ts)
 */
import { simulatorExpress } from '@backupchecks/simulator-kit';
import type { Express } from 'express';
import { controlRouter } from './control.ts';
import { Faults } from './faults.ts';
import { apiHandler } from './routes/api.ts';
import { webHandler } from './routes/web.ts';
import { createState, type SimulatorState } from './store.ts';
import { ThreadLimiter } from './thread-limit.ts';

export interface SimulatorAppOptions {
  faults?: Faults | undefined;
  threads?: ThreadLimiter | undefined;
  /** Origin used in absolute URLs (zone `url`, `nextPageUrl`) instead of the request's Host header. */
  publicOrigin?: string | undefined;
  /** Let non-loopback clients use `/__sim/`. Default false. */
  allowRemoteControl?: boolean | undefined;
  /** Called after every request that may have changed the tenant (not GET, not a query): the demo saves its state. */
  onChange?: (() => void) | undefined;
}

export type SimulatorApp = Express & {
  readonly simulator: { readonly state: SimulatorState; readonly faults: Faults; readonly threads: ThreadLimiter };
};

export function createSimulatorApp(
  state: SimulatorState = createState(),
  options: SimulatorAppOptions = {},
): SimulatorApp {
  const faults = options.faults ?? new Faults();
  const threads = options.threads ?? new ThreadLimiter();
  // POST queries read and change nothing.
  const readOnly = (req: { path: string }) => /\/query(\/|$)/i.test(req.path);
  const app = simulatorExpress({ onChange: options.onChange, readOnly }, (routes) => {
    routes.use(apiHandler(state, { faults, threads, publicOrigin: options.publicOrigin }));
    routes.use(webHandler(state));
    routes.use('/__sim', controlRouter(state, { faults, threads, allowRemote: options.allowRemoteControl }));
  });
  return Object.assign(app, { simulator: { state, faults, threads } });
}
