import type { NextFunction, Request, Response } from 'express';
import { contextOf } from '../../context.ts';
import { currentUser } from '../../middleware/auth.ts';
import { renderOnFailure, type Failure } from '../../middleware/errors.ts';
import { flash } from '../../middleware/flash.ts';
import { paths } from '../../paths.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import {
  CUSTOMER_MISSING,
  customerFormSchema,
  getCustomer,
  renameCustomer,
} from '../../services/customers/customers.ts';
import { idParam } from '../../shared/ids.ts';
import { parseOrThrow } from '../../shared/validation.ts';

/** A customer's edit page (admins): rename, deactivate or reactivate. */
export async function get(req: Request, res: Response): Promise<void> {
  const id = idParam(req.params['id'], CUSTOMER_MISSING);
  const customer = await getCustomer(contextOf(req).database.prisma, id);
  res.render('customers/edit', {
    title: `Edit ${customer.name}`,
    customer,
    values: { name: customer.name },
    errors: {},
  });
}

/** "Save name". */
export async function postName(req: Request, res: Response): Promise<void> {
  const db = contextOf(req).database.prisma;
  const id = idParam(req.params['id'], CUSTOMER_MISSING);
  const customer = await getCustomer(db, id);
  const form = parseOrThrow(customerFormSchema, req.body);
  const renamed = await renameCustomer(db, actorOf(currentUser(req)), id, form.name);
  flash(req, {
    type: 'success',
    text: renamed.name === customer.name ? 'Name unchanged.' : `Renamed ${customer.name} to ${renamed.name}.`,
  });
  res.redirect(paths.customers.index);
}

/**
 * The route step that shows a refused rename in the edit page, with the typed name and its error
 * (empty, too long, or taken). The customer id is read here because the failure view runs in the
 * app's error handler, where the route's parameters are gone.
 */
export function onFailure(req: Request, res: Response, next: NextFunction): void {
  const id = idParam(req.params['id'], CUSTOMER_MISSING);
  renderOnFailure((failedReq, failedRes, failure) => showFailure(failedReq, failedRes, id, failure))(req, res, next);
}

async function showFailure(req: Request, res: Response, id: number, failure: Failure): Promise<void> {
  const customer = await getCustomer(contextOf(req).database.prisma, id);
  res.render('customers/edit', {
    title: `Edit ${customer.name}`,
    customer,
    values: { name: (req.body as { name?: unknown } | undefined)?.name },
    errors: { ...failure.fieldErrors },
  });
}
