import type { Db } from '../../db/database.ts';
import { PRUNED_ACTION } from './prune.ts';
import { getRetentionSettings, type RetentionSettings } from './settings.ts';

/** The last pruning that removed something, as its audit event tells it. */
export interface LastPrune {
  readonly at: Date;
  readonly summary: string;
}

export interface RetentionPage {
  readonly settings: RetentionSettings;
  readonly lastPrune: LastPrune | null;
}

/** Settings → Data retention: the settings and the last removal (one probe of the (action, at) index). */
export async function loadRetentionPage(db: Db): Promise<RetentionPage> {
  const [settings, last] = await Promise.all([
    getRetentionSettings(db),
    db.auditEvent.findFirst({
      where: { action: PRUNED_ACTION },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      select: { at: true, summary: true },
    }),
  ]);
  return { settings, lastPrune: last };
}
