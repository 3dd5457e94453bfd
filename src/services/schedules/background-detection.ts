import type { Logger } from '../../logger.ts';
import { detectMissedRuns, type DetectionDeps, type DetectionResult } from './detection.ts';

/**
 * One missed-run detection cycle as the background job runs it (src/jobs/background-jobs.ts,
 * every MISSED_RUN_CHECK_MINUTES). No claim between instances is needed: a cycle is idempotent
 * (detection.ts), so even two cycles at one time record each window once. Errors are thrown: the
 * job queue retries the cycle and Diagnostics shows the failure.
 */
export async function runMissedRunDetection(
  deps: DetectionDeps & { readonly logger: Logger },
): Promise<DetectionResult> {
  const result = await detectMissedRuns(deps);
  if (result.missed > 0) deps.logger.info(result, 'missed runs recorded');
  return result;
}
