/**
 * Maintenance pauses of jobs and customers, as stored on both (`pausedAt`, `pauseEndsAt`,
 * `pauseReason`): no expected time inside a pause is reported missed (docs/missed-runs.md).
 * Pure rules here; pausing and resuming are in pauses.ts.
 */

export interface PauseFields {
  readonly pausedAt: Date | null;
  readonly pauseEndsAt: Date | null;
  readonly pauseReason?: string | null;
}

/** Whether a moment lies inside the pause: from `pausedAt` until `pauseEndsAt` (open-ended without one). */
export function isPausedAt(p: PauseFields, at: Date): boolean {
  if (!p.pausedAt || at < p.pausedAt) return false;
  return p.pauseEndsAt === null || at < p.pauseEndsAt;
}

/** The pause as a page shows it: null when there is none now (never paused, resumed, or ended). */
export function currentPause(
  p: PauseFields,
  now: Date,
): { since: Date; until: Date | null; reason: string | null } | null {
  if (!p.pausedAt || !isPausedAt(p, now)) return null;
  return { since: p.pausedAt, until: p.pauseEndsAt, reason: p.pauseReason ?? null };
}
