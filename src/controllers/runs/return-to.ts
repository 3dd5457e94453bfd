import type { Request } from 'express';
import { paths } from '../../paths.ts';
import { idSchema } from '../../shared/ids.ts';
import { safeReturnTo } from '../../shared/return-to.ts';

/** The pages an action on a run may return to: Run Checks (with its filters) and run pages. */
const RUN_PAGES = /^\/(?:run-checks|runs\/\d+)(?:[?#]|$)/;

/** Back to the page a review came from, else Run Checks. */
export function backToRunChecks(value: unknown): string {
  return safeReturnTo(value, paths.runChecks.index, RUN_PAGES);
}

/**
 * Back to the page a ticket action came from (Run Checks with its filters, or the run), else the
 * run. Run Checks is long, so the operator lands on the run that was acted on.
 */
export function backToRun(value: unknown, runId: number): string {
  const page = runPageOf(value, runId);
  return page.startsWith(paths.runChecks.index) && !page.includes('#') ? `${page}#run-${runId}` : page;
}

/** The page a ticket action came from, as a form passes it on (no anchor added). */
export function runPageOf(value: unknown, runId: number): string {
  return safeReturnTo(value, paths.runs.show(runId), RUN_PAGES);
}

/** `backToRun` for the run named in the URL, from a form's or the query's `returnTo`. */
export function backToRunOf(req: Request): string {
  const value: unknown = req.method === 'GET' ? req.query['returnTo'] : (req.body as { returnTo?: unknown })?.returnTo;
  const runId = idSchema.safeParse(req.params['id']);
  // No run in the address (a malformed id): back to where the action came from, else Run Checks.
  return runId.success ? backToRun(value, runId.data) : backToRunChecks(value);
}
