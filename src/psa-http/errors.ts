/**
 * What every error of a PSA client carries, whatever the PSA: the HTTP status (null when no answer
 * came), the PSA's own texts verbatim, and the client operation that failed. Each client derives
 * one class per way a call can fail from this (`src/autotask/errors.ts`, `src/connectwise/errors.ts`);
 * which answer is which failure is the client's.
 */

/** Where the failure happened; part of every error. */
export interface CallContext {
  /** Client operation name, e.g. `tickets.create`. */
  readonly operation: string;
  readonly method?: string | undefined;
  /** URL path without host or query string. */
  readonly path?: string | undefined;
  /** True when the failed request only read (GET, a query, Autotask's zone lookup). Unset counts as a write. */
  readonly read?: boolean | undefined;
}

export abstract class PsaCallError<Kind extends string> extends Error {
  /** Which way the call failed. Few values: fit for a metric label. */
  abstract readonly kind: Kind;
  /** HTTP status of the PSA's answer; null when there was no answer (timeout, connection error). */
  readonly status: number | null;
  /** The PSA's texts, verbatim. Empty when it gave none. */
  readonly messages: readonly string[];
  readonly operation: string;
  readonly method: string | undefined;
  readonly path: string | undefined;
  /** The failed request only read: whatever went wrong, nothing in the PSA changed. */
  readonly read: boolean;

  constructor(message: string, status: number | null, messages: readonly string[], context: CallContext) {
    super(message);
    this.name = new.target.name;
    this.status = status;
    this.messages = [...messages];
    this.operation = context.operation;
    this.method = context.method;
    this.path = context.path;
    this.read = context.read ?? false;
  }

  /** The PSA's own words joined for display (shown verbatim under our explanation), or undefined. */
  get detail(): string | undefined {
    return this.messages.length > 0 ? this.messages.join(' ') : undefined;
  }
}
