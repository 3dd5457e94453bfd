import type { Request, Response } from 'express';
import { contextOf } from '../../../context.ts';
import { RuleError } from '../../../errors/catalogue.ts';
import { currentUser } from '../../../middleware/auth.ts';
import type { FailureView } from '../../../middleware/errors.ts';
import { flash } from '../../../middleware/flash.ts';
import { paths } from '../../../paths.ts';
import { getConnectWiseSettings, hasConnectWiseCredentials } from '../../../psa/connectwise/access.ts';
import { actorOf } from '../../../services/accounts/audit.ts';
import { listsSummary, refreshConnectWiseLists } from '../../../services/integration/connectwise/lists.ts';
import { rethrowConnectWise } from '../../../services/integration/connectwise/messages.ts';
import { renderConnectWisePage } from './settings.ts';

/**
 * "Refresh lists" on Settings → ConnectWise: boards and priorities, and the saved board's statuses,
 * types, subtypes and items. A refusal shows on the settings page (showRefreshFailure), with
 * ConnectWise's own words under ours; the lists loaded earlier stay.
 */
export async function postRefresh(req: Request, res: Response): Promise<void> {
  const { database, connectwise } = contextOf(req);
  const settings = await getConnectWiseSettings(database.prisma);
  if (!hasConnectWiseCredentials(settings)) {
    throw new RuleError(
      'Save the site, company ID, public key, private key and client ID first; then the lists can be loaded from ConnectWise.',
    );
  }
  const lists = await refreshConnectWiseLists(
    database.prisma,
    connectwise.client(settings),
    settings.boardId,
    actorOf(currentUser(req)),
  ).catch(rethrowConnectWise('The lists were not loaded.'));
  flash(req, { type: 'success', text: `Loaded the lists from ConnectWise: ${listsSummary(lists)}` });
  res.redirect(paths.settings.connectwise);
}

export const showRefreshFailure: FailureView = (req, res, failure) =>
  renderConnectWisePage(req, res, { problem: failure.problem });
