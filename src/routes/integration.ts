import { Router } from 'express';
import * as autotaskSettings from '../controllers/integration/autotask-settings.ts';
import * as connectionTest from '../controllers/integration/connection-test.ts';
import * as diagnostics from '../controllers/integration/diagnostics.ts';
import * as disconnect from '../controllers/integration/disconnect.ts';
import * as exportMarkdown from '../controllers/integration/export.ts';
import * as picklists from '../controllers/integration/picklists.ts';
import * as settingsIndex from '../controllers/integration/settings-index.ts';
import * as validateConfiguration from '../controllers/integration/validate-configuration.ts';
import { activate } from '../controllers/integration/connectwise/activate.ts';
import * as cwTest from '../controllers/integration/connectwise/connection-test.ts';
import * as cwDiagnostics from '../controllers/integration/connectwise/diagnostics.ts';
import * as cwLists from '../controllers/integration/connectwise/lists.ts';
import * as cwSettings from '../controllers/integration/connectwise/settings.ts';
import * as cwValidate from '../controllers/integration/connectwise/validate.ts';
import { requireRole } from '../middleware/auth.ts';
import { flashOnFailure, renderOnFailure } from '../middleware/errors.ts';
import { paths } from '../paths.ts';

/**
 * Settings (index) and Settings → Extensions & Integrations → Autotask, for admins only: the form,
 * the lists from Autotask, Test connection, Validate configuration, Diagnostics, the Markdown
 * export and Disconnect, and "Use Autotask". Forms that are refused show again with the message; a
 * refused refresh of the lists goes back to the settings page as a message.
 */
export function integrationRoutes(): Router {
  const router = Router();
  const admin = requireRole('admin');
  const s = paths.settings;
  router.get(s.index, admin, settingsIndex.get);
  router.get(s.autotask, admin, autotaskSettings.get);
  router.post(s.autotask, admin, renderOnFailure(autotaskSettings.showFormFailure), autotaskSettings.post);
  router.post(
    s.autotaskPicklistsRefresh,
    admin,
    flashOnFailure(() => s.autotask),
    picklists.postRefresh,
  );
  router.post(s.autotaskTest, admin, renderOnFailure(connectionTest.showFailure), connectionTest.post);
  router.post(s.autotaskValidate, admin, validateConfiguration.post);
  router.get(s.autotaskDiagnostics, admin, diagnostics.get);
  router.get(s.autotaskExport, admin, exportMarkdown.get);
  router.get(s.autotaskDisconnect, admin, disconnect.get);
  router.post(s.autotaskDisconnect, admin, renderOnFailure(disconnect.showFormFailure), disconnect.post);
  router.post(
    s.autotaskActivate,
    admin,
    flashOnFailure(() => s.autotask),
    activate('autotask'),
  );
  connectWiseRoutes(router);
  return router;
}

/**
 * Settings → Extensions & Integrations → ConnectWise, for admins only, in the same shape as
 * Autotask's: the form, Refresh lists, Test connection, Validate configuration, Diagnostics, and
 * "Use ConnectWise". A refused refresh shows on the settings page, with ConnectWise's own words.
 */
function connectWiseRoutes(router: Router): void {
  const admin = requireRole('admin');
  const s = paths.settings;
  router.get(s.connectwise, admin, cwSettings.get);
  router.post(s.connectwise, admin, renderOnFailure(cwSettings.showFormFailure), cwSettings.post);
  router.post(s.connectwiseListsRefresh, admin, renderOnFailure(cwLists.showRefreshFailure), cwLists.postRefresh);
  router.post(s.connectwiseTest, admin, renderOnFailure(cwTest.showFailure), cwTest.post);
  router.post(s.connectwiseValidate, admin, cwValidate.post);
  router.get(s.connectwiseDiagnostics, admin, cwDiagnostics.get);
  router.post(
    s.connectwiseActivate,
    admin,
    flashOnFailure(() => s.connectwise),
    activate('connectwise'),
  );
}
