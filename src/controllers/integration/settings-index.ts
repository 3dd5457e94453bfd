import type { Request, Response } from 'express';
import { contextOf } from '../../context.ts';
import { getConnectWiseSettings } from '../../psa/connectwise/access.ts';
import { connectWiseBlocker } from '../../psa/connectwise/profile.ts';
import { activePsaType } from '../../psa/switch.ts';
import { loadOverview } from '../../services/integration/overview.ts';
import { getIntegrationSettings } from '../../services/integration/settings.ts';
import { formatDateTime } from '../../shared/time.ts';

/** Settings: the integrations (Autotask and ConnectWise with their status, which one is active) and the API tokens. */
export async function get(req: Request, res: Response): Promise<void> {
  const { database, config } = contextOf(req);
  const settings = await getIntegrationSettings(database.prisma);
  const overview = await loadOverview(database.prisma, settings, (d) => formatDateTime(d, config.timezone));
  const [connectwise, activePsa] = await Promise.all([
    getConnectWiseSettings(database.prisma),
    activePsaType(database.prisma),
  ]);
  const cwBlocker = connectwise.enabled ? connectWiseBlocker(connectwise) : null;
  res.render('integration/settings-index', {
    title: 'Settings',
    overview,
    activePsa,
    connectwiseStatus: {
      status: !connectwise.enabled ? 'disabled' : cwBlocker ? 'misconfigured' : 'active',
      reason: cwBlocker?.message ?? null,
    },
  });
}
