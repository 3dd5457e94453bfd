import { Router } from 'express';
import * as autotaskSettings from '../controllers/integration/autotask-settings.ts';
import * as connectionTest from '../controllers/integration/connection-test.ts';
import * as diagnostics from '../controllers/integration/diagnostics.ts';
import * as disconnect from '../controllers/integration/disconnect.ts';
import * as exportMarkdown from '../controllers/integration/export.ts';
import * as picklists from '../controllers/integration/picklists.ts';
import * as settingsIndex from '../controllers/integration/settings-index.ts';
import * as validateConfiguration from '../controllers/integration/validate-configuration.ts';
import { requireRole } from '../middleware/auth.ts';
import { flashOnFailure, renderOnFailure } from '../middleware/errors.ts';
import { paths } from '../paths.ts';

/**
 * Settings (index) and Settings → Extensions & Integrations → Autotask, for admins only: the form,
 * the lists from Autotask, Test connection, Validate configuration, Diagnostics, the Markdown
 * export and Disconnect. Forms that are refused show again with the message; a refused refresh of
 * the lists goes back to the settings page as a message.
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
  return router;
}
