/**
 * Fault injection: what the real API or the network does on a bad day, on demand.
 *
 * - latency: added to every matching call (all entities, or one entity)
 * - fail: the next N matching calls get a chosen status with `{"errors":[…]}`, no body, or a
 *   non-JSON body (a bare 5xx from a proxy)
 * - hang: the next N matching calls are never answered (optionally after applying them); the
 *   socket stays open until the client gives up or the simulator closes
 * - drop: the next N matching calls are applied, then the socket is destroyed without an answer —
 *   the ticket exists but the client never hears of it: the outcome the app must settle by looking
 *   before it writes again
 * - rate limit: 429 with Retry-After, for the next N calls or until cleared (the form clients
 *   assume; no Autotask page confirms it, see docs/autotask.md, Rate-limit answers)
 * - thread threshold: the next N matching calls get Autotask's thread-threshold rejection, as if
 *   another integration of the tenant had the tracking identifier's threads busy; with
 *   `afterApply`, the call is applied first and rejected all the same (the write happened, the
 *   client is told it did not: what a client must check before it sends again)
 *
 * One-shot faults are kept in registration order and a request consumes the first one it matches.
 * Faults without an entity skip `zoneInformation` and `versionInformation`, because a client
 * usually looks up its zone first and would otherwise swallow a fault meant for the call under
 * test; name that entity to fault the zone lookup.
 */
import type { Socket } from 'node:net';

export interface MatchOptions {
  /** HTTP method, e.g. 'POST'. Any method when omitted. */
  method?: string | undefined;
  /** Entity, e.g. 'Tickets', 'TicketNotes', 'zoneInformation' (case-insensitive). */
  entity?: string | undefined;
}

export type FailBody = 'errors' | 'empty' | 'text';

export interface FailOptions extends MatchOptions {
  count?: number | undefined;
  status?: number | undefined;
  /** Messages for the `errors` body; default one generic message. */
  errors?: string[] | undefined;
  message?: string | undefined;
  /** `errors` (default): `{"errors":[…]}`; `empty`: no body; `text`: a non-JSON HTML body. */
  body?: FailBody | undefined;
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

export interface ThreadThresholdOptions extends MatchOptions {
  count?: number | undefined;
  /** Apply the request first (the ticket is created), then answer with the rejection. */
  afterApply?: boolean | undefined;
}

export interface RateLimitOptions extends MatchOptions {
  count?: number | undefined;
  retryAfterSeconds?: number | undefined;
  message?: string | undefined;
}

interface Match {
  method: string | null;
  entity: string | null;
}

export type FaultRule =
  | { kind: 'fail'; remaining: number; match: Match; status: number; body: FailBody; errors: string[]; text: string }
  | { kind: 'hang'; remaining: number; match: Match; afterApply: boolean }
  | { kind: 'drop'; remaining: number; match: Match }
  | { kind: 'rateLimit'; remaining: number; match: Match; retryAfterSeconds: number; message: string }
  | { kind: 'threadThreshold'; remaining: number; match: Match; afterApply: boolean };

export interface RateLimitMode {
  retryAfterSeconds: number;
  message: string;
}

export interface FaultsSnapshot {
  latency: { allMs: number; byEntity: Record<string, number> };
  rateLimited: RateLimitMode | null;
  pending: FaultRule[];
  hungRequests: number;
}

const UNSCOPED_EXEMPT = new Set(['zoneinformation', 'versioninformation']);

export const DEFAULT_FAIL_MESSAGE = 'Simulated server error (fault injection).';
export const DEFAULT_FAIL_TEXT =
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>';

export function rateLimitMessage(retryAfterSeconds: number): string {
  return `API request threshold exceeded. Retry after ${retryAfterSeconds} seconds.`;
}

export class Faults {
  #latencyAll = 0;
  #latencyByEntity = new Map<string, number>();
  #rules: FaultRule[] = [];
  #rateLimited: RateLimitMode | null = null;
  #hung = new Set<Socket>();
  #abort = new AbortController();

  /** Adds `ms` to every call, or only to calls on `entity`. 0 removes it. An entity setting wins over the global one. */
  setLatency(ms: number, options: { entity?: string | undefined } = {}): void {
    const value = Math.max(0, Math.floor(ms));
    if (options.entity) {
      if (value === 0) this.#latencyByEntity.delete(options.entity.toLowerCase());
      else this.#latencyByEntity.set(options.entity.toLowerCase(), value);
    } else {
      this.#latencyAll = value;
    }
  }

  latencyFor(entity: string | null): number {
    const key = entity?.toLowerCase() ?? '';
    const specific = this.#latencyByEntity.get(key);
    if (specific !== undefined) return specific;
    return UNSCOPED_EXEMPT.has(key) ? 0 : this.#latencyAll;
  }

  failNext(options: FailOptions = {}): void {
    const message = options.message ?? DEFAULT_FAIL_MESSAGE;
    this.#rules.push({
      kind: 'fail',
      remaining: count(options.count),
      match: match(options),
      status: options.status ?? 500,
      body: options.body ?? 'errors',
      errors: options.errors ?? [message],
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

  /** The next matching calls get the thread-threshold rejection (status and text: see thread-limit.ts). */
  threadThresholdNext(options: ThreadThresholdOptions = {}): void {
    this.#rules.push({
      kind: 'threadThreshold',
      remaining: count(options.count),
      match: match(options),
      afterApply: options.afterApply ?? false,
    });
  }

  /** Rate-limiting mode: every authenticated call gets 429 until `setRateLimited(false)` or `clear()`. */
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
  take(method: string, entity: string | null): FaultRule | null {
    const index = this.#rules.findIndex((rule) => matches(rule.match, method, entity));
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

  /** Ends hung sockets and pending latency waits (simulator close). */
  shutdown(): void {
    this.#abort.abort();
    this.#abort = new AbortController();
    this.#destroyHung();
  }

  /** Removes every fault and ends hung requests. */
  clear(): void {
    this.#latencyAll = 0;
    this.#latencyByEntity.clear();
    this.#rules = [];
    this.#rateLimited = null;
    this.#destroyHung();
  }

  snapshot(): FaultsSnapshot {
    return {
      latency: { allMs: this.#latencyAll, byEntity: Object.fromEntries(this.#latencyByEntity) },
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
    entity: options.entity ? options.entity.toLowerCase() : null,
  };
}

function matches(m: Match, method: string, entity: string | null): boolean {
  if (m.method !== null && m.method !== method.toUpperCase()) return false;
  const e = entity?.toLowerCase() ?? null;
  if (m.entity !== null) return m.entity === e;
  return e === null || !UNSCOPED_EXEMPT.has(e);
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
