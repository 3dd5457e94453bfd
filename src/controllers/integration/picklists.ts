import type { Request, Response } from 'express';
import type { PicklistValue } from '../../autotask/client.ts';
import { contextOf } from '../../context.ts';
import { currentUser } from '../../middleware/auth.ts';
import { flash } from '../../middleware/flash.ts';
import { paths } from '../../paths.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import { refreshPicklists } from '../../services/integration/picklists.ts';
import { getIntegrationSettings, hasCredentials } from '../../services/integration/settings.ts';

const active = (list: readonly PicklistValue[]) => list.filter((v) => v.isActive).length;

/**
 * "Refresh from Autotask" on the settings page. Autotask's refusal goes back to the page as a
 * message through the route's flashOnFailure step; the lists loaded earlier stay.
 */
export async function postRefresh(req: Request, res: Response): Promise<void> {
  const { database, autotask } = contextOf(req);
  const settings = await getIntegrationSettings(database.prisma);
  if (!hasCredentials(settings)) {
    // Not a refusal: the button is disabled until credentials are saved, so this only says what comes first.
    flash(req, {
      type: 'warning',
      text: 'Save the API username, secret and API tracking identifier first; then the lists can be loaded from Autotask.',
    });
    res.redirect(paths.settings.autotask);
    return;
  }
  const lists = await refreshPicklists(database.prisma, autotask.client(settings), actorOf(currentUser(req)));
  flash(req, {
    type: 'success',
    text: `Loaded the lists from Autotask: ${active(lists.queueId)} queues, ${active(lists.issueType)} issue types, ${active(lists.priority)} priorities, ${active(lists.status)} statuses (active values only are offered).`,
  });
  res.redirect(paths.settings.autotask);
}
