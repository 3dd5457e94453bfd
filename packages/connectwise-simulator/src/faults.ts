/**
 * Fault injection: what ConnectWise or the network does on a bad day, on demand.
 *
 * - latency: added to every matching call (all resources, or one resource)
 * - fail: the next N matching calls get a chosen status with a ConnectWise error body, a JSON body of your own, no
 *   body, or a non-JSON body (a bare 5xx from a proxy)
 * - hang: the next N matching calls are never answered (optionally after applying them)
 * - drop: the next N matching calls are applied, then the socket is destroyed without an answer: the ticket exists
 *   but the client never hears of it, the outcome a client must settle by looking before it writes again
 * - rate limit: 429 with Retry-After, for the next N calls or for every call until cleared (ConnectWise's own limits
 *   and wording are not documented publicly; docs/connectwise.md, Rate limits and concurrency)
 *
 * One-shot faults are kept in registration order and a request consumes the first one it matches. Resources are the
 * simulator's names for paths: `service/tickets`, `service/tickets/notes`, `time/entries`, `company/companies`, …
 */
import type { Socket } from 'node:net';
import type { ErrorBody } from './errors.ts';

export interface MatchOptions {
  /** HTTP method, e.g. 'POST'. Any method when omitted. */
  method?: string | undefined;
  /** Resource, e.g. 'service/tickets' (case-insensitive). Any resource when omitted. */
  resource?: string | undefined;
}

export type FailBody = 'error' | 'json' | 'empty' | 'text';

export interface FailOptions extends MatchOptions {
  count?: number | undefined;
  status?: number | undefined;
  /** `error` (default): ConnectWise's `{code, message}`; `json`: `json` as given; `empty`: no body; `text`: HTML. */
  body?: FailBody | undefined;
  code?: string | undefined;
  message?: string | undefined;
  json?: unknown;
  text?: string | undefined;
}

export interface HangOptions extends MatchOptions {
  count?: number | undefined;
  /** Apply the request first (the ticket is created), then never answer. */
  afterApply?: boolean | undefined;
}

export interface DropOptions extends MatchOptions {
  count?: number | undefined;
}

export interface RateLimitOptions extends MatchOptions {
  count?: number | undefined;
  retryAfterSeconds?: number | undefined;
  message?: string | undefined;
}

interface Match {
  method: string | null;
  resource: string | null;
}

export type FaultRule =
  | {
      kind: 'fail';
      remaining: number;
      match: Match;
      status: number;
      body: FailBody;
      error: ErrorBody;
      json: unknown;
      text: string;
    }
  | { kind: 'hang'; remaining: number; match: Match; afterApply: boolean }
  | { kind: 'drop'; remaining: number; match: Match }
  | { kind: 'rateLimit'; remaining: number; match: Match; retryAfterSeconds: number; message: string };

export interface RateLimitMode {
  retryAfterSeconds: number;
  message: string;
}

export interface FaultsSnapshot {
  latency: { allMs: number; byResource: Record<string, number> };
  rateLimited: RateLimitMode | null;
  pending: FaultRule[];
  hungRequests: number;
}

export const DEFAULT_FAIL_MESSAGE = 'Simulated server error (fault injection).';
export const DEFAULT_FAIL_TEXT =
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>';

export function rateLimitMessage(retryAfterSeconds: number): string {
  return `Too many requests. Retry after ${retryAfterSeconds} seconds.`;
}

export class Faults {
  #latencyAll = 0;
  #latencyByResource = new Map<string, number>();
  #rules: FaultRule[] = [];
  #rateLimited: RateLimitMode | null = null;
  #hung = new Set<Socket>();
  #abort = new AbortController();

  /** Adds `ms` to every call, or only to calls on `resource`. 0 removes it. A resource setting wins over the global one. */
  setLatency(ms: number, options: { resource?: string | undefined } = {}): void {
    const value = Math.max(0, Math.floor(ms));
    if (options.resource) {
      const key = options.resource.toLowerCase();
      if (value === 0) this.#latencyByResource.delete(key);
      else this.#latencyByResource.set(key, value);
    } else {
      this.#latencyAll = value;
    }
  }

  latencyFor(resource: string | null): number {
    return this.#latencyByResource.get(resource?.toLowerCase() ?? '') ?? this.#latencyAll;
  }

  failNext(options: FailOptions = {}): void {
    const status = options.status ?? 500;
    this.#rules.push({
      kind: 'fail',
      remaining: count(options.count),
      match: match(options),
      status,
      body: options.body ?? 'error',
      error: {
        code: options.code ?? (status >= 500 ? 'ConnectWiseApi' : 'InvalidObject'),
        message: options.message ?? DEFAULT_FAIL_MESSAGE,
      },
      json: options.json ?? null,
      text: options.text ?? DEFAULT_FAIL_TEXT,
    });
  }

  hangNext(options: HangOptions = {}): void {
    this.#rules.push({
      kind: 'hang',
      remaining: count(options.count),
      match: match(options),
      afterApply: options.afterApply ?? false,
    });
  }

  dropResponseNext(options: DropOptions = {}): void {
    this.#rules.push({ kind: 'drop', remaining: count(options.count), match: match(options) });
  }

  rateLimitNext(options: RateLimitOptions = {}): void {
    const retryAfterSeconds = options.retryAfterSeconds ?? 60;
    this.#rules.push({
      kind: 'rateLimit',
      remaining: count(options.count),
      match: match(options),
      retryAfterSeconds,
      message: options.message ?? rateLimitMessage(retryAfterSeconds),
    });
  }

  /** Every authenticated call gets 429 until `setRateLimited(false)` or `clear()`. */
  setRateLimited(mode: { retryAfterSeconds?: number; message?: string } | false): void {
    if (mode === false) {
      this.#rateLimited = null;
      return;
    }
    const retryAfterSeconds = mode.retryAfterSeconds ?? 60;
    this.#rateLimited = { retryAfterSeconds, message: mode.message ?? rateLimitMessage(retryAfterSeconds) };
  }

  get rateLimited(): RateLimitMode | null {
    return this.#rateLimited;
  }

  /** Consumes and returns the first one-shot fault matching this request, if any. */
  take(method: string, resource: string | null): FaultRule | null {
    const index = this.#rules.findIndex((rule) => matches(rule.match, method, resource));
    const rule = this.#rules[index];
    if (!rule) return null;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.#rules.splice(index, 1);
    return rule;
  }

  /** Remembers a socket left hanging so `clear()`/close can end it. */
  trackHung(socket: Socket): void {
    this.#hung.add(socket);
    socket.once('close', () => this.#hung.delete(socket));
  }

  /** Aborted when the simulator shuts down, so pending latency timers stop at once. */
  get shutdownSignal(): AbortSignal {
    return this.#abort.signal;
  }

  shutdown(): void {
    this.#abort.abort();
    this.#abort = new AbortController();
    this.#destroyHung();
  }

  /** Removes every fault and ends hung requests. */
  clear(): void {
    this.#latencyAll = 0;
    this.#latencyByResource.clear();
    this.#rules = [];
    this.#rateLimited = null;
    this.#destroyHung();
  }

  snapshot(): FaultsSnapshot {
    return {
      latency: { allMs: this.#latencyAll, byResource: Object.fromEntries(this.#latencyByResource) },
      rateLimited: this.#rateLimited ? { ...this.#rateLimited } : null,
      pending: this.#rules.map((r) => structuredClone(r)),
      hungRequests: this.#hung.size,
    };
  }

  #destroyHung(): void {
    for (const socket of this.#hung) socket.destroy();
    this.#hung.clear();
  }
}

function count(n: number | undefined): number {
  return n === undefined ? 1 : Math.max(1, Math.floor(n));
}

function match(options: MatchOptions): Match {
  return {
    method: options.method ? options.method.toUpperCase() : null,
    resource: options.resource ? options.resource.toLowerCase().replace(/^\/+|\/+$/g, '') : null,
  };
}

function matches(m: Match, method: string, resource: string | null): boolean {
  if (m.method !== null && m.method !== method.toUpperCase()) return false;
  return m.resource === null || m.resource === resource?.toLowerCase();
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(true);
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
