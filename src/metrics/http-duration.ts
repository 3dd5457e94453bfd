import type { Request, RequestHandler } from 'express';
import { Histogram, type Registry } from 'prom-client';

/** The route label of a request no route matched (unknown addresses, static files not found). */
export const UNMATCHED_ROUTE = 'unmatched';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * `backupchecks_http_request_duration_seconds{method, route, status_code}`: the time from the
 * request reaching this middleware until the last byte of the answer was handed to the socket.
 *
 * `route` is the Express route pattern that handled the request (`/runs/:id`), never the address
 * itself: ids in addresses would make a time series per run and per scanner's guess. The app's
 * routers are mounted without a path (test/support/route-sweep.ts refuses any other), so the
 * pattern is the whole path. Requests no route matched share one label, `unmatched`.
 */
export function createRequestDuration(registry: Registry): RequestHandler {
  const duration = new Histogram({
    name: 'backupchecks_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, Express route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry],
  });
  return (req, res, next) => {
    const end = duration.startTimer();
    // `finish` only: an answer the client hung up on was never given, and its status would be a guess.
    res.once('finish', () => {
      end({ method: methodLabel(req.method), route: routeLabel(req), status_code: String(res.statusCode) });
    });
    next();
  };
}

/** The route pattern; Express sets `req.route` when a route matches and leaves it for the answer. */
function routeLabel(req: Request): string {
  const pattern: unknown = (req.route as { path?: unknown } | undefined)?.path;
  return typeof pattern === 'string' ? pattern : UNMATCHED_ROUTE;
}

/** Node accepts a few dozen methods; the ones the app could answer are labels, the rest one `other`. */
function methodLabel(method: string): string {
  return KNOWN_METHODS.has(method) ? method : 'other';
}
