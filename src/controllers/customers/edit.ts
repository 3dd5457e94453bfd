import type { Request, Response } from 'express';
import { contextOf } from '../../context.ts';
import { currentUser } from '../../middleware/auth.ts';
import type { Failure } from '../../middleware/errors.ts';
import { flash } from '../../middleware/flash.ts';
import { paths } from '../../paths.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import { listAliases } from '../../services/customers/aliases.ts';
import { currentPause } from '../../services/schedules/pause.ts';
import { EMPTY_PAUSE, typedPause } from '../../services/schedules/pauses.ts';
import {
  CUSTOMER_MISSING,
  customerFormSchema,
  getCustomer,
  renameCustomer,
} from '../../services/customers/customers.ts';
import { idParam } from '../../shared/ids.ts';
import { parseOrThrow } from '../../shared/validation.ts';

/** A customer's edit page (admins): rename, aliases, pause for maintenance, deactivate or reactivate. */
export async function get(req: Request, res: Response): Promise<void> {
  await renderEdit(req, res, {});
}

interface EditForms {
  /** The name field as typed (a refused rename), instead of the stored name. */
  readonly name?: unknown;
  readonly errors?: Record<string, string>;
  /** The pause form as typed (a refused pause). */
  readonly pauseValues?: ReturnType<typeof typedPause>;
}

/** The edit page, with one of its forms as typed when it was refused. */
async function renderEdit(req: Request, res: Response, forms: EditForms): Promise<void> {
  const db = contextOf(req).database.prisma;
  const customer = await getCustomer(db, idParam(req.params['id'], CUSTOMER_MISSING));
  res.render('customers/edit', {
    title: `Edit ${customer.name}`,
    customer,
    aliases: await listAliases(db, customer.id),
    values: { name: 'name' in forms ? forms.name : customer.name },
    errors: forms.errors ?? {},
    pause: currentPause(customer, new Date()),
    pauseValues: forms.pauseValues ?? EMPTY_PAUSE,
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

/** How the edit page shows a refused rename (empty, too long, or taken), with the typed name. */
export async function showFailure(req: Request, res: Response, failure: Failure): Promise<void> {
  const name = (req.body as { name?: unknown } | undefined)?.name;
  await renderEdit(req, res, { name, errors: { ...failure.fieldErrors } });
}

/** How the edit page shows a refused pause (an end that is not a moment in the future, a reason too long). */
export async function showPauseFailure(req: Request, res: Response, failure: Failure): Promise<void> {
  await renderEdit(req, res, { errors: { ...failure.fieldErrors }, pauseValues: typedPause(req.body) });
}
