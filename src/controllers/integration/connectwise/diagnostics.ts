import type { Request, Response } from 'express';
import { contextOf } from '../../../context.ts';
import { getConnectWiseSettings } from '../../../psa/connectwise/access.ts';
import {
  diagnosticsQuerySchema,
  loadConnectWiseDiagnostics,
} from '../../../services/integration/connectwise/diagnostics.ts';
import { parseOrThrow } from '../../../shared/validation.ts';

/** Settings → ConnectWise → Diagnostics: the API call log, the visibility proof and the lists. */
export async function get(req: Request, res: Response): Promise<void> {
  const db = contextOf(req).database.prisma;
  const q = parseOrThrow(diagnosticsQuerySchema, req.query);
  const settings = await getConnectWiseSettings(db);
  const result = await loadConnectWiseDiagnostics(db, settings, q);
  res.render('integration/connectwise/diagnostics', {
    title: 'ConnectWise diagnostics',
    settings,
    ...result,
    filters: { status: q.status },
  });
}
