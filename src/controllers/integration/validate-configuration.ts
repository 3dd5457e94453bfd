import type { Request, Response } from 'express';
import { contextOf } from '../../context.ts';
import { getIntegrationSettings } from '../../services/integration/settings.ts';
import { validateConfiguration } from '../../services/integration/validate-configuration.ts';
import { renderSettingsPage } from './autotask-settings.ts';

/** "Validate configuration": the checklist over the saved settings, on the settings page. */
export async function post(req: Request, res: Response): Promise<void> {
  const { database, autotask, config } = contextOf(req);
  const settings = await getIntegrationSettings(database.prisma);
  const validation = await validateConfiguration(
    { db: database.prisma, access: autotask, fallbackBaseUrl: config.baseUrl },
    settings,
  );
  await renderSettingsPage(req, res, { validation });
}
