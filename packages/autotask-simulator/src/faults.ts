/**
 * Fault injection: what the real API or the network does on a bad day, on demand. The queue, latency, hang, drop and
 * rate limit are the simulator kit's (packages/simulator-kit/src/faults.ts); Autotask's own are:
 *
 * - fail: the next N matching calls get a chosen status with `{"errors":[…]}`, no body, or a non-JSON body (a bare
 *   5xx from a proxy)
 * - thread threshold: the next N matching calls get Autotask's thread-threshold rejection, as if another integration
 *   of the tenant had the tracking identifier's threads busy; with `afterApply`, the call is applied first and
 *   rejected all the same (the write happened, the client is told it did not: what a client must check before it
 *   sends again)
 * - rate limit: 429 with Retry-After, in the form clients assume (no Autotask page confirms it, see docs/autotask.md,
 *   Rate-limit answers)
 *
 * Faults are scoped by entity (`Tickets`, `TicketNotes`, `zoneInformation`; case-insensitive). Faults without an
 * entity skip `zoneInformation` and `versionInformation`, because a client usually looks up its zone first and would
 * otherwise swallow a fault meant for the call under test; name that entity to fault the zone lookup.
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

export type MatchOptions = KitMatchOptions<'entity'>;
export type HangOptions = KitHangOptions<'entity'>;
export type DropOptions = KitDropOptions<'entity'>;
export type RateLimitOptions = KitRateLimitOptions<'entity'>;

export type FailBody = 'errors' | 'empty' | 'text';

export type FailOptions = MatchOptions & {
  count?: number | undefined;
  status?: number | undefined;
  /** Messages for the `errors` body; default one generic message. */
  errors?: string[] | undefined;
  message?: string | undefined;
  /** `errors` (default): `{"errors":[…]}`; `empty`: no body; `text`: a non-JSON HTML body. */
  body?: FailBody | undefined;
  text?: string | undefined;
};

export type ThreadThresholdOptions = MatchOptions & {
  count?: number | undefined;
  /** Apply the request first (the ticket is created), then answer with the rejection. */
  afterApply?: boolean | undefined;
};

type AutotaskRule =
  | {
      kind: 'fail';
      remaining: number;
      match: Match<'entity'>;
      status: number;
      body: FailBody;
      errors: string[];
      text: string;
    }
  | { kind: 'threadThreshold'; remaining: number; match: Match<'entity'>; afterApply: boolean };

export type FaultRule = SharedRule<'entity'> | AutotaskRule;
export type FaultsSnapshot = KitFaultsSnapshot<'entity', FaultRule>;

export function rateLimitMessage(retryAfterSeconds: number): string {
  return `API request threshold exceeded. Retry after ${retryAfterSeconds} seconds.`;
}

export class Faults extends FaultQueue<'entity', AutotaskRule> {
  constructor() {
    super({
      key: 'entity',
      normalise: (entity) => entity.toLowerCase(),
      exempt: ['zoneinformation', 'versioninformation'],
      rateLimitMessage,
    });
  }

  failNext(options: FailOptions = {}): void {
    const message = options.message ?? DEFAULT_FAIL_MESSAGE;
    this.push({
      kind: 'fail',
      remaining: countOf(options.count),
      match: this.matchOf(options),
      status: options.status ?? 500,
      body: options.body ?? 'errors',
      errors: options.errors ?? [message],
      text: options.text ?? DEFAULT_FAIL_TEXT,
    });
  }

  /** The next matching calls get the thread-threshold rejection (status and text: see thread-limit.ts). */
  threadThresholdNext(options: ThreadThresholdOptions = {}): void {
    this.push({
      kind: 'threadThreshold',
      remaining: countOf(options.count),
      match: this.matchOf(options),
      afterApply: options.afterApply ?? false,
    });
  }
}
