import { Router } from 'express';
import * as active from '../controllers/customers/active.ts';
import * as aliases from '../controllers/customers/aliases.ts';
import * as edit from '../controllers/customers/edit.ts';
import * as list from '../controllers/customers/list.ts';
import * as pause from '../controllers/customers/pause.ts';
import { requireRole } from '../middleware/auth.ts';
import { flashOnFailure, renderOnFailure } from '../middleware/errors.ts';
import { paths, pattern } from '../paths.ts';

/** The Customers list and a customer's edit page: everyone signed in may look; only admins change anything. */
export function customerRoutes(): Router {
  const router = Router();
  const admin = requireRole('admin');
  router.get(paths.customers.index, list.get);
  router.post(paths.customers.index, admin, renderOnFailure(list.showFailure), list.post);
  router.get(pattern(paths.customers.edit), admin, edit.get);
  router.post(pattern(paths.customers.rename), admin, renderOnFailure(edit.showFailure), edit.postName);
  router.post(pattern(paths.customers.active), admin, active.post);
  router.post(
    pattern(paths.customers.removeAlias),
    admin,
    flashOnFailure(aliases.backToCustomer, 'Alias not removed:'),
    aliases.postRemove,
  );
  router.post(pattern(paths.customers.pause), admin, renderOnFailure(edit.showPauseFailure), pause.postPause);
  router.post(pattern(paths.customers.resume), admin, pause.postResume);
  return router;
}
