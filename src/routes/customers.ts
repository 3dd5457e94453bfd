import { Router, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { ConflictError } from '../errors/catalogue.ts';
import { requireRole } from '../middleware/auth.ts';
import { flash } from '../middleware/flash.ts';
import { actorOf } from '../services/accounts/audit.ts';
import {
  createCustomer,
  customerFormSchema,
  getCustomer,
  listCustomers,
  renameCustomer,
  setCustomerActive,
} from '../services/customers/customers.ts';
import { parseForm, parseOrThrow } from '../shared/validation.ts';

const idParam = z.object({ id: z.coerce.number().int().positive() });
const listQuery = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  mapping: z.enum(['ok', 'renamed', 'missing', 'invalid']).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1),
});
const pageSize = 50;

export function customerRoutes({ database }: AppContext): Router {
  const db = database.prisma;
  const router = Router();

  const renderList = async (res: Response, query: z.infer<typeof listQuery>, extra: object = {}) => {
    const { rows, total } = await listCustomers(db, {
      search: query.q,
      mapping: query.mapping,
      page: query.page,
      pageSize,
    });
    res.render('customers/index', {
      title: 'Customers',
      rows,
      total,
      filters: { q: query.q ?? '', mapping: query.mapping ?? '' },
      page: query.page,
      pages: Math.max(1, Math.ceil(total / pageSize)),
      values: {},
      errors: {},
      ...extra,
    });
  };

  // Everyone signed in may look; only admins change anything (guards on each route below).
  router.get('/', async (req, res) => renderList(res, parseOrThrow(listQuery, req.query)));

  router.post('/', requireRole('admin'), async (req, res) => {
    const form = parseForm(customerFormSchema, req.body);
    const values = { name: req.body?.name };
    const first = { page: 1 };
    if (!form.ok) return renderList(res.status(422), first, { values, errors: form.errors });
    try {
      const customer = await createCustomer(db, actorOf(req.user!), form.data.name);
      flash(req, { type: 'success', text: `Added customer ${customer.name}.` });
      res.redirect('/customers');
    } catch (e) {
      if (e instanceof ConflictError)
        return renderList(res.status(409), first, { values, errors: { name: e.message } });
      throw e;
    }
  });

  router.get('/:id/edit', requireRole('admin'), async (req, res) => {
    const { id } = parseOrThrow(idParam, req.params);
    const customer = await getCustomer(db, id);
    res.render('customers/edit', {
      title: `Edit ${customer.name}`,
      customer,
      values: { name: customer.name },
      errors: {},
    });
  });

  router.post('/:id/name', requireRole('admin'), async (req, res) => {
    const { id } = parseOrThrow(idParam, req.params);
    const customer = await getCustomer(db, id);
    const values = { name: req.body?.name };
    const rerender = (status: number, errors: Record<string, string>) =>
      res.status(status).render('customers/edit', { title: `Edit ${customer.name}`, customer, values, errors });
    const form = parseForm(customerFormSchema, req.body);
    if (!form.ok) return rerender(422, form.errors);
    try {
      const renamed = await renameCustomer(db, actorOf(req.user!), id, form.data.name);
      flash(req, {
        type: 'success',
        text: renamed.name === customer.name ? 'Name unchanged.' : `Renamed ${customer.name} to ${renamed.name}.`,
      });
      res.redirect('/customers');
    } catch (e) {
      if (e instanceof ConflictError) return rerender(409, { name: e.message });
      throw e;
    }
  });

  router.post('/:id/active', requireRole('admin'), async (req, res) => {
    const { id } = parseOrThrow(idParam, req.params);
    const { active } = parseOrThrow(z.object({ active: z.enum(['true', 'false']) }), req.body);
    const customer = await setCustomerActive(db, actorOf(req.user!), id, active === 'true');
    flash(req, {
      type: 'success',
      text: customer.active
        ? `Reactivated ${customer.name}; its runs show on Run Checks again.`
        : `Deactivated ${customer.name}; its runs are hidden from Run Checks and the API no longer accepts runs for it.`,
    });
    res.redirect('/customers');
  });

  return router;
}
