import type { Request, Response } from 'express';
import { contextOf } from '../../context.ts';
import { loadOverview } from '../../services/integration/overview.ts';
import { getIntegrationSettings } from '../../services/integration/settings.ts';
import { formatDateTime } from '../../shared/time.ts';

/** Settings: the integrations (Autotask with its status) and the API tokens. */
export async function get(req: Request, res: Response): Promise<void> {
  const { database, config } = contextOf(req);
  const settings = await getIntegrationSettings(database.prisma);
  const overview = await loadOverview(database.prisma, settings, (d) => formatDateTime(d, config.timezone));
  res.render('integration/settings-index', { title: 'Settings', overview });
}
