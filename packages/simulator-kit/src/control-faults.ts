/**
 * `/__sim/faults/...`: the fault routes both simulators have. A simulator adds the fields of its PSA's failure bodies
 * to `fail`, and its own faults (Autotask's thread threshold) as routes of its own.
 */
import type { Router } from 'express';
import { z } from 'zod';
import { booleanish, optionalBoolean, optionalInt, optionalString } from './control-schema.ts';
import { done } from './control.ts';
import type { DropOptions, FaultQueue, HangOptions, MatchOptions, QueuedRule, RateLimitOptions } from './faults.ts';

/** What `/faults/fail` reads besides the simulator's own fields. */
export type FailBody<K extends string, Own> = MatchOptions<K> & {
  count?: number | undefined;
  status?: number | undefined;
  message?: string | undefined;
  text?: string | undefined;
} & Own;

export interface FaultRoutes<K extends string, Own extends QueuedRule<K>, FailShape extends z.ZodRawShape> {
  faults: FaultQueue<K, Own>;
  /** The scope field: `entity` or `resource`. */
  key: K;
  /** The most a one-shot fault may count, and the longest Retry-After; no bound when left out. */
  maxCount?: number | undefined;
  maxRetryAfterSeconds?: number | undefined;
  /** The fields of the PSA's failure bodies. */
  failFields: FailShape;
  failNext(body: FailBody<K, z.output<z.ZodObject<FailShape>>>): void;
  /** How a notice says what a drop does to the matching calls: "applied and then dropped". */
  dropNotice: string;
  /** Called by `/faults/clear` after the faults are: what else a simulator clears with them. */
  onClear?: (() => void) | undefined;
}

export function faultRoutes<K extends string, Own extends QueuedRule<K>, FailShape extends z.ZodRawShape>(
  router: Router,
  options: FaultRoutes<K, Own, FailShape>,
): void {
  const { faults, key } = options;
  const schemas = faultSchemas(options);
  const scopeOf = (body: MatchOptions<K>) => (body as Partial<Record<string, string>>)[key];

  router.get('/faults', (_req, res) => {
    res.json(faults.snapshot());
  });
  router.post('/faults/latency', (req, res) => {
    const body = schemas.latency.parse(req.body ?? {}) as { ms: number } & MatchOptions<K>;
    faults.setLatency(body.ms, body);
    done(req, res, `Latency ${body.ms} ms on ${scopeOf(body) ?? 'all calls'}.`, faults.snapshot());
  });
  router.post('/faults/fail', (req, res) => {
    const body = schemas.fail.parse(req.body ?? {}) as FailBody<K, z.output<z.ZodObject<FailShape>>>;
    options.failNext(body);
    done(
      req,
      res,
      `The next ${body.count ?? 1} matching call(s) will fail with ${body.status ?? 500}.`,
      faults.snapshot(),
    );
  });
  router.post('/faults/hang', (req, res) => {
    const body = schemas.hang.parse(req.body ?? {}) as HangOptions<K>;
    faults.hangNext(body);
    done(req, res, `The next ${body.count ?? 1} matching call(s) will hang.`, faults.snapshot());
  });
  router.post('/faults/drop', (req, res) => {
    const body = schemas.drop.parse(req.body ?? {}) as DropOptions<K>;
    faults.dropResponseNext(body);
    done(req, res, `The next ${body.count ?? 1} matching call(s) will be ${options.dropNotice}.`, faults.snapshot());
  });
  router.post('/faults/rate-limit', (req, res) => {
    const body = schemas.rateLimit.parse(req.body ?? {}) as RateLimitOptions<K>;
    faults.rateLimitNext(body);
    done(req, res, `The next ${body.count ?? 1} matching call(s) will get 429.`, faults.snapshot());
  });
  router.post('/faults/rate-limit-mode', (req, res) => {
    const body = schemas.rateLimitMode.parse(req.body ?? {});
    faults.setRateLimited(
      body.on ? (body.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: body.retryAfterSeconds }) : false,
    );
    done(req, res, body.on ? 'Rate limiting is on: every call gets 429.' : 'Rate limiting is off.', faults.snapshot());
  });
  router.post('/faults/clear', (req, res) => {
    faults.clear();
    options.onClear?.();
    done(req, res, 'All faults cleared.', faults.snapshot());
  });
}

function faultSchemas<K extends string, FailShape extends z.ZodRawShape>(
  options: Pick<FaultRoutes<K, never, FailShape>, 'key' | 'maxCount' | 'maxRetryAfterSeconds' | 'failFields'>,
) {
  const count = optionalInt(1, options.maxCount);
  const retryAfterSeconds = optionalInt(0, options.maxRetryAfterSeconds);
  const scope = { [options.key]: optionalString };
  const match = { method: optionalString, ...scope };
  return {
    latency: z.object({ ms: z.coerce.number().int().min(0).max(600_000), ...scope }),
    fail: z.object({
      count,
      status: optionalInt(100, 599),
      message: optionalString,
      text: optionalString,
      ...options.failFields,
      ...match,
    }),
    hang: z.object({ count, afterApply: optionalBoolean, ...match }),
    drop: z.object({ count, ...match }),
    rateLimit: z.object({ count, retryAfterSeconds, message: optionalString, ...match }),
    rateLimitMode: z.object({ on: booleanish, retryAfterSeconds }),
  };
}
