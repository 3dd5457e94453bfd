import type { Logger } from '../../logger.ts';
import { deferWork } from '../../shared/deferred-work.ts';
import { detectMissedRuns, type DetectionDeps, type DetectionResult } from './detection.ts';

/**
 * Missed-run detection on a timer in the web process, every MISSED_RUN_CHECK_MINUTES (src/config.ts).
 * No claim between instances is needed: a cycle is idempotent (detection.ts), so two instances
 * running one at the same time record each window once.
 */

export interface PeriodicMissedRunDetection {
  stop(): void;
  /** One cycle as the timer runs it: errors are logged, never thrown; null when one is still running. */
  tick(): Promise<DetectionResult | null>;
}

/**
 * The timer is unref'd, so it never keeps the process alive; each tick is tracked as deferred work,
 * so a shutdown (src/boot.ts) lets a running cycle finish before the database closes.
 */
export function startPeriodicMissedRunDetection(
  deps: DetectionDeps & { readonly logger: Logger },
  options: { intervalMinutes: number; tickMs?: number },
): PeriodicMissedRunDetection {
  let running = false;
  const tick = async (): Promise<DetectionResult | null> => {
    if (running) return null;
    running = true;
    try {
      const result = await detectMissedRuns(deps);
      if (result.missed > 0) deps.logger.info(result, 'missed runs recorded');
      return result;
    } catch (err) {
      deps.logger.error({ err }, 'missed-run detection failed');
      return null;
    } finally {
      running = false;
    }
  };
  const timer = setInterval(
    () => deferWork(tick, (err) => deps.logger.error({ err }, 'missed-run detection failed')),
    options.tickMs ?? options.intervalMinutes * 60_000,
  );
  timer.unref();
  return { stop: () => clearInterval(timer), tick };
}
