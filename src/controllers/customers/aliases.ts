import type { Request, Response } from 'express';
import { z } from 'zod';
import { contextOf } from '../../context.ts';
import { currentUser } from '../../middleware/auth.ts';
import { flash } from '../../middleware/flash.ts';
import { paths } from '../../paths.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import { removeAlias } from '../../services/customers/aliases.ts';
import { CUSTOMER_MISSING, getCustomer } from '../../services/customers/customers.ts';
import { idParam, idSchemaWith } from '../../shared/ids.ts';
import { parseOrThrow } from '../../shared/validation.ts';

const removeForm = z.object({ aliasId: idSchemaWith('This alias does not exist. Reload the page.') });

/** "Remove alias" on a customer's edit page (admins). */
export async function postRemove(req: Request, res: Response): Promise<void> {
  const db = contextOf(req).database.prisma;
  const customer = await getCustomer(db, idParam(req.params['id'], CUSTOMER_MISSING));
  const { aliasId } = parseOrThrow(removeForm, req.body);
  const removed = await removeAlias(db, actorOf(currentUser(req)), customer, aliasId);
  flash(
    req,
    removed
      ? {
          type: 'success',
          text: `Removed alias "${removed.alias}". Later runs sent with it wait under Unmatched runs again.`,
        }
      : { type: 'info', text: 'That alias was already removed.' },
  );
  res.redirect(paths.customers.edit(customer.id));
}

/** Where a refused removal is reported: the customer's edit page, as a message. */
export const backToCustomer = (req: Request): string => paths.customers.edit(String(req.params['id']));
