/**
 * A simulator as an Express app and as a listening server: what is the same for every PSA around its own routes.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type Request } from 'express';

export interface SimulatorExpressOptions {
  /** Called after every request that may have changed the tenant (neither GET nor HEAD): the app's demo saves it. */
  onChange?: (() => void) | undefined;
  /** Requests that change nothing although they are neither GET nor HEAD (Autotask's POST queries). */
  readOnly?: ((req: Request) => boolean) | undefined;
}

/**
 * An Express app with the simulator's routes (`mount`) between the change signal and the fallbacks: `/` leads to the
 * control page, anything else unknown is a plain 404.
 */
export function simulatorExpress(options: SimulatorExpressOptions, mount: (app: Express) => void): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const { onChange, readOnly } = options;
  if (onChange) {
    app.use((req, res, next) => {
      // 'close' also fires for a lost answer, whose write was applied all the same.
      if (req.method !== 'GET' && req.method !== 'HEAD' && !readOnly?.(req)) res.on('close', onChange);
      next();
    });
  }
  mount(app);
  app.get('/', (_req, res) => {
    res.redirect('/__sim/');
  });
  app.use((_req, res) => {
    res.status(404).type('text/plain').send('Not found.');
  });
  return app;
}

export interface ListenOptions {
  /** 0 (default) picks a free port. */
  port?: number | undefined;
  /** Default 127.0.0.1: the simulator and its control API are for this machine only. */
  host?: string | undefined;
  /** Origin for absolute URLs when clients reach the simulator through another name. */
  publicOrigin?: string | undefined;
}

export interface ListeningSimulator {
  readonly port: number;
  /** `http://127.0.0.1:PORT` or the public origin, without trailing slash. */
  readonly origin: string;
  /** Stops listening and destroys every open socket, hung ones included. Safe to call twice. */
  close(): Promise<void>;
}

/** Listens on `options.port` and `host`; `onClose` runs first on close, to end what keeps requests open. */
export async function listenSimulator(
  app: Express,
  options: ListenOptions,
  onClose: () => void,
): Promise<ListeningSimulator> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer(app);
  await listen(server, options.port ?? 0, host);
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | null = null;
  return {
    port,
    origin: (options.publicOrigin ?? `http://${urlHost(host)}:${port}`).replace(/\/+$/, ''),
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        onClose();
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
