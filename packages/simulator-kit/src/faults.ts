/**
 * Fault injection both simulators share: what the PSA or the network does on a bad day, on demand.
 *
 * - latency: added to every matching call (all of them, or those on one scope)
 * - hang: the next N matching calls are never answered (optionally after applying them); the socket stays open until
 *   the client gives up or the simulator closes
 * - drop: the next N matching calls are applied, then the socket is destroyed without an answer: the ticket exists
 *   but the client never hears of it, the outcome a client must settle by looking before it writes again
 * - rate limit: 429 with Retry-After, for the next N calls or for every call until cleared
 *
 * A scope is what a simulator matches a request under, named by its `key`: Autotask's `entity` (`Tickets`),
 * ConnectWise's `resource` (`service/tickets`). Each simulator adds its own one-shot faults (the failure bodies of its
 * PSA, Autotask's thread threshold) through `push`. One-shot faults are kept in registration order and a request
 * consumes the first one it matches.
 */
import type { Socket } from 'node:net';

/** `{ entity: V }` or `{ resource: V }`: the scope field under the simulator's name for it. */
export type Scoped<K extends string, V> = { [P in K]: V };

export type MatchOptions<K extends string> = {
  /** HTTP method, e.g. 'POST'. Any method when omitted. */
  method?: string | undefined;
} & { [P in K]?: string | undefined };

export type Match<K extends string> = { method: string | null } & Scoped<K, string | null>;

export interface CountOption {
  /** How many matching calls the fault takes; default 1. */
  count?: number | undefined;
}

export type HangOptions<K extends string> = MatchOptions<K> &
  CountOption & {
    /** Apply the request first (the ticket is created), then never answer. */
    afterApply?: boolean | undefined;
  };

export type DropOptions<K extends string> = MatchOptions<K> & CountOption;

export type RateLimitOptions<K extends string> = MatchOptions<K> &
  CountOption & { retryAfterSeconds?: number | undefined; message?: string | undefined };

/** The one-shot faults every simulator has; `remaining` counts down, the rule goes at 0. */
export type SharedRule<K extends string> =
  | { kind: 'hang'; remaining: number; match: Match<K>; afterApply: boolean }
  | { kind: 'drop'; remaining: number; match: Match<K> }
  | { kind: 'rateLimit'; remaining: number; match: Match<K>; retryAfterSeconds: number; message: string };

/** What a simulator's own one-shot faults have in common with the shared ones. */
export interface QueuedRule<K extends string> {
  kind: string;
  remaining: number;
  match: Match<K>;
}

export interface RateLimitMode {
  retryAfterSeconds: number;
  message: string;
}

export interface FaultsSnapshot<K extends string, Rule> {
  latency: { allMs: number } & { [P in `by${Capitalize<K>}`]: Record<string, number> };
  rateLimited: RateLimitMode | null;
  pending: Rule[];
  hungRequests: number;
}

/** What differs between the PSAs in how faults are matched and worded. */
export interface FaultSettings<K extends string> {
  /** The scope field's name: `entity` or `resource`. */
  key: K;
  /** The scope as it is compared: a caller's and a request's go through it alike. */
  normalise(scope: string): string;
  /** Scopes (normalised) that faults and latency without a scope leave alone. */
  exempt?: readonly string[] | undefined;
  /** The 429 text when a caller gives none. */
  rateLimitMessage(retryAfterSeconds: number): string;
}

export const DEFAULT_FAIL_MESSAGE = 'Simulated server error (fault injection).';
export const DEFAULT_FAIL_TEXT =
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>';

export class FaultQueue<K extends string, Own extends QueuedRule<K> = never> {
  readonly #settings: FaultSettings<K>;
  readonly #exempt: ReadonlySet<string>;
  #latencyAll = 0;
  #latencyByScope = new Map<string, number>();
  #rules: (SharedRule<K> | Own)[] = [];
  #rateLimited: RateLimitMode | null = null;
  #hung = new Set<Socket>();
  #abort = new AbortController();

  constructor(settings: FaultSettings<K>) {
    this.#settings = settings;
    this.#exempt = new Set(settings.exempt ?? []);
  }

  /** Adds `ms` to every call, or only to calls on the given scope. 0 removes it. A scope's setting wins. */
  setLatency(ms: number, options: { [P in K]?: string | undefined } = {}): void {
    const value = Math.max(0, Math.floor(ms));
    const scope = this.#scopeOf(options);
    if (scope !== null) {
      if (value === 0) this.#latencyByScope.delete(scope);
      else this.#latencyByScope.set(scope, value);
    } else {
      this.#latencyAll = value;
    }
  }

  latencyFor(scope: string | null): number {
    const key = scope === null ? '' : this.#settings.normalise(scope);
    const specific = this.#latencyByScope.get(key);
    if (specific !== undefined) return specific;
    return this.#exempt.has(key) ? 0 : this.#latencyAll;
  }

  hangNext(options: HangOptions<K> = {}): void {
    this.push({
      kind: 'hang',
      remaining: countOf(options.count),
      match: this.matchOf(options),
      afterApply: options.afterApply ?? false,
    });
  }

  dropResponseNext(options: DropOptions<K> = {}): void {
    this.push({ kind: 'drop', remaining: countOf(options.count), match: this.matchOf(options) });
  }

  rateLimitNext(options: RateLimitOptions<K> = {}): void {
    const retryAfterSeconds = options.retryAfterSeconds ?? 60;
    this.push({
      kind: 'rateLimit',
      remaining: countOf(options.count),
      match: this.matchOf(options),
      retryAfterSeconds,
      message: options.message ?? this.#settings.rateLimitMessage(retryAfterSeconds),
    });
  }

  /** Rate-limiting mode: every authenticated call gets 429 until `setRateLimited(false)` or `clear()`. */
  setRateLimited(mode: { retryAfterSeconds?: number; message?: string } | false): void {
    if (mode === false) {
      this.#rateLimited = null;
      return;
    }
    const retryAfterSeconds = mode.retryAfterSeconds ?? 60;
    this.#rateLimited = {
      retryAfterSeconds,
      message: mode.message ?? this.#settings.rateLimitMessage(retryAfterSeconds),
    };
  }

  get rateLimited(): RateLimitMode | null {
    return this.#rateLimited;
  }

  /** Consumes and returns the first one-shot fault matching this request, if any. */
  take(method: string, scope: string | null): SharedRule<K> | Own | null {
    const index = this.#rules.findIndex((rule) => this.#matches(rule.match, method, scope));
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
    this.#latencyByScope.clear();
    this.#rules = [];
    this.#rateLimited = null;
    this.#destroyHung();
  }

  snapshot(): FaultsSnapshot<K, SharedRule<K> | Own> {
    return {
      latency: { allMs: this.#latencyAll, [latencyKey(this.#settings.key)]: Object.fromEntries(this.#latencyByScope) },
      rateLimited: this.#rateLimited ? { ...this.#rateLimited } : null,
      pending: this.#rules.map((r) => structuredClone(r)),
      hungRequests: this.#hung.size,
    } as FaultsSnapshot<K, SharedRule<K> | Own>;
  }

  /** Queues a one-shot fault; a simulator adds its own kinds through this. */
  protected push(rule: SharedRule<K> | Own): void {
    this.#rules.push(rule);
  }

  /** The method and scope a one-shot fault waits for, as they are compared. */
  protected matchOf(options: MatchOptions<K>): Match<K> {
    return {
      method: options.method ? options.method.toUpperCase() : null,
      [this.#settings.key]: this.#scopeOf(options),
    } as Match<K>;
  }

  #scopeOf(options: { [P in K]?: string | undefined }): string | null {
    const scope = (options as Partial<Record<string, string>>)[this.#settings.key];
    return scope ? this.#settings.normalise(scope) : null;
  }

  #matches(m: Match<K>, method: string, scope: string | null): boolean {
    if (m.method !== null && m.method !== method.toUpperCase()) return false;
    const wanted = (m as Record<string, string | null>)[this.#settings.key] ?? null;
    const actual = scope === null ? null : this.#settings.normalise(scope);
    if (wanted !== null) return wanted === actual;
    return actual === null || !this.#exempt.has(actual);
  }

  #destroyHung(): void {
    for (const socket of this.#hung) socket.destroy();
    this.#hung.clear();
  }
}

/** Where a snapshot lists the latency by scope: `byEntity`, `byResource`. */
export function latencyKey<K extends string>(key: K): `by${Capitalize<K>}` {
  return `by${key.charAt(0).toUpperCase()}${key.slice(1)}` as `by${Capitalize<K>}`;
}

/** A fault's count: 1 when not given, at least 1, whole. */
export function countOf(n: number | undefined): number {
  return n === undefined ? 1 : Math.max(1, Math.floor(n));
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
