/**
 * Fault injection: what ConnectWise or the network does on a bad day, on demand. The queue, latency, hang, drop and
 * rate limit are the simulator kit's (packages/simulator-kit/src/faults.ts); ConnectWise's own are:
 *
 * - fail: the next N matching calls get a chosen status with a ConnectWise error body, a JSON body of your own, no
 *   body, or a non-JSON body (a bare 5xx from a proxy)
 * - rate limit: 429 with Retry-After (ConnectWise's own limits and wording are not documented publicly;
 *   docs/connectwise.md, Rate limits and concurrency)
 *
 * Faults are scoped by resource, the simulator's names for paths: `service/tickets`, `service/tickets/notes`,
 * `time/entries`, `company/companies`, … (case-insensitive, slashes at either end ignored).
 */
import {
  countOf,
  DEFAULT_FAIL_MESSAGE,
  DEFAULT_FAIL_TEXT,
  FaultQueue,
  type Match,
  type MatchOptions as KitMatchOptions,
  type DropOptions as KitDropOptions,
  type FaultsSnapshot as KitFaultsSnapshot,
  type HangOptions as KitHangOptions,
  type RateLimitOptions as KitRateLimitOptions,
  type SharedRule,
} from '@backupchecks/simulator-kit';
import type { ErrorBody } from './errors.ts';

export type MatchOptions = KitMatchOptions<'resource'>;
export type HangOptions = KitHangOptions<'resource'>;
export type DropOptions = KitDropOptions<'resource'>;
export type RateLimitOptions = KitRateLimitOptions<'resource'>;

export type FailBody = 'error' | 'json' | 'empty' | 'text';

export type FailOptions = MatchOptions & {
  count?: number | undefined;
  status?: number | undefined;
  /** `error` (default): ConnectWise's `{code, message}`; `json`: `json` as given; `empty`: no body; `text`: HTML. */
  body?: FailBody | undefined;
  code?: string | undefined;
  message?: string | undefined;
  json?: unknown;
  text?: string | undefined;
};

interface FailRule {
  kind: 'fail';
  remaining: number;
  match: Match<'resource'>;
  status: number;
  body: FailBody;
  error: ErrorBody;
  json: unknown;
  text: string;
}

export type FaultRule = SharedRule<'resource'> | FailRule;
export type FaultsSnapshot = KitFaultsSnapshot<'resource', FaultRule>;

export function rateLimitMessage(retryAfterSeconds: number): string {
  return `Too many requests. Retry after ${retryAfterSeconds} seconds.`;
}

export class Faults extends FaultQueue<'resource', FailRule> {
  constructor() {
    super({
      key: 'resource',
      normalise: (resource) => resource.toLowerCase().replace(/^\/+|\/+$/g, ''),
      rateLimitMessage,
    });
  }

  failNext(options: FailOptions = {}): void {
    const status = options.status ?? 500;
    this.push({
      kind: 'fail',
      remaining: countOf(options.count),
      match: this.matchOf(options),
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
}
