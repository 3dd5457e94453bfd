import type { Request, Response } from 'express';
import { contextOf } from '../../../context.ts';
import { getConnectWiseSettings } from '../../../psa/connectwise/access.ts';
import { validateConnectWise } from '../../../services/integration/connectwise/validate.ts';
import { renderConnectWisePage } from './settings.ts';

/** "Validate configuration": the findings over the saved settings, on the settings page. */
export async function post(req: Request, res: Response): Promise<void> {
  const { database, connectwise } = contextOf(req);
  const settings = await getConnectWiseSettings(database.prisma);
  const validation = await validateConnectWise({ db: database.prisma, access: connectwise }, settings);
  await renderConnectWisePage(req, res, { validation });
}
