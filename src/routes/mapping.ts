import { Router } from 'express';
import * as actions from '../controllers/mapping/mapping-actions.ts';
import * as mappingPage from '../controllers/mapping/mapping-page.ts';
import { backToCustomersOf } from '../controllers/mapping/return-to.ts';
import * as suggestions from '../controllers/mapping/suggestions.ts';
import { requireRole } from '../middleware/auth.ts';
import { flashOnFailure, renderOnFailure } from '../middleware/errors.ts';
import { paths, pattern } from '../paths.ts';

/**
 * Customer ↔ company mapping, with the active PSA's companies. Every change, and every search in
 * the PSA (each costs a request; Autotask counts them against the tenant's hourly budget), is for
 * admins; a customer's mapping page may be seen by every signed-in role. Refusals show in the mapping page's forms, or go back as a message.
 */
export function mappingRoutes(): Router {
  const router = Router();
  const admin = requireRole('admin');
  router.get(pattern(paths.mapping.show), mappingPage.get);
  router.get(pattern(paths.mapping.search), admin, renderOnFailure(mappingPage.showFailure), mappingPage.search);
  router.post(pattern(paths.mapping.show), admin, renderOnFailure(mappingPage.showFailure), mappingPage.post);
  router.post(pattern(paths.mapping.clear), admin, actions.postClear);
  router.get(pattern(paths.mapping.contacts), admin, renderOnFailure(mappingPage.showFailure), mappingPage.contacts);
  router.post(pattern(paths.mapping.contact), admin, renderOnFailure(mappingPage.showFailure), mappingPage.postContact);
  router.post(pattern(paths.mapping.clearContact), admin, mappingPage.postClearContact);
  router.post(
    pattern(paths.mapping.refresh),
    admin,
    flashOnFailure(backToCustomersOf, actions.refreshFailurePrefix),
    actions.postRefresh,
  );
  router.post(paths.mapping.refreshAll, admin, flashOnFailure(backToCustomersOf), actions.postRefreshAll);
  router.get(paths.mapping.suggestions, admin, renderOnFailure(suggestions.showFailure), suggestions.get);
  router.post(
    paths.mapping.confirmSuggestion,
    admin,
    flashOnFailure(suggestions.backToSuggestionsOf, 'The suggestion was not applied.'),
    suggestions.postConfirm,
  );
  router.post(
    paths.mapping.confirmExactSuggestions,
    admin,
    flashOnFailure(suggestions.backToSuggestionsOf, 'No suggestion was applied.'),
    suggestions.postConfirmExact,
  );
  return router;
}
