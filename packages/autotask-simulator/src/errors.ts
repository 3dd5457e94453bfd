/**
 * Autotask's error shape: `{"errors":["message", ...]}` (docs/autotask.md, Error shape). Almost every validation
 * and business-rule failure is HTTP 500, so that is the default status here.
 */
export class SimError extends Error {
  readonly status: number;
  readonly errors: string[];
  readonly headers: Record<string, string>;

  constructor(status: number, errors: string | string[], headers: Record<string, string> = {}) {
    const list = Array.isArray(errors) ? errors : [errors];
    super(list.join(' '));
    this.name = 'SimError';
    this.status = status;
    this.errors = list;
    this.headers = headers;
  }
}

/** A validation or business-rule failure: HTTP 500 with the messages, as Autotask answers them. */
export function invalid(errors: string | string[]): SimError {
  return new SimError(500, errors);
}

/** ASP.NET Web API's wording for a route that exists without that verb (a 405). */
export function methodNotAllowed(method: string): SimError {
  return new SimError(405, `The requested resource does not support http method '${method}'.`);
}

/** ASP.NET Web API's wording for an unknown route (a 404, e.g. `POST /V1.0/Tasks`). */
export function noRoute(url: string): SimError {
  return new SimError(404, `No HTTP resource was found that matches the request URI '${url}'.`);
}
