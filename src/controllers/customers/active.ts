import type { Request, Response } from 'express';
import { z } from 'zod';
import { contextOf } from '../../context.ts';
import { currentUser } from '../../middleware/auth.ts';
import { flash } from '../../middleware/flash.ts';
import { paths } from '../../paths.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import { CUSTOMER_MISSING, setCustomerActive } from '../../services/customers/customers.ts';
import { idParam } from '../../shared/ids.ts';
import { parseOrThrow } from '../../shared/validation.ts';

const activeForm = z.object({ active: z.enum(['true', 'false']) });

/** "Deactivate" / "Reactivate", from the Customers list or the edit page (admins). */
export async function post(req: Request, res: Response): Promise<void> {
  const id = idParam(req.params['id'], CUSTOMER_MISSING);
  const { active } = parseOrThrow(activeForm, req.body);
  const customer = await setCustomerActive(
    contextOf(req).database.prisma,
    actorOf(currentUser(req)),
    id,
    active === 'true',
  );
  flash(req, {
    type: 'success',
    text: customer.active
      ? `Reactivated ${customer.name}; its runs show on Run Checks again.`
      : `Deactivated ${customer.name}; its runs are hidden from Run Checks and the API no longer accepts runs for it.`,
  });
  res.redirect(paths.customers.index);
}
