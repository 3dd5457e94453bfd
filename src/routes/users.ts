import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { ConflictError } from '../errors/catalogue.ts';
import { requireRole } from '../middleware/auth.ts';
import { flash } from '../middleware/flash.ts';
import { actorOf } from '../services/accounts/audit.ts';
import {
  createUser,
  listUsers,
  newUserSchema,
  resetPassword,
  roleField,
  setActive,
  setRole,
} from '../services/accounts/users.ts';
import { parseForm, parseOrThrow } from '../shared/validation.ts';

const idParam = z.object({ id: z.coerce.number().int().positive() });

export function userRoutes({ database, config }: AppContext): Router {
  const db = database.prisma;
  const router = Router();
  router.use(requireRole('admin'));

  const renderList = async (res: Parameters<Parameters<Router['get']>[1]>[1], extra: object = {}) =>
    res.render('users/index', {
      title: 'Users',
      users: await listUsers(db),
      values: {},
      errors: {},
      ...extra,
    });

  router.get('/', async (_req, res) => renderList(res));

  router.post('/', async (req, res) => {
    const form = parseForm(newUserSchema, req.body);
    const values = { email: req.body?.email, name: req.body?.name, role: req.body?.role };
    if (!form.ok) return renderList(res.status(422), { values, errors: form.errors });
    try {
      const user = await createUser(db, actorOf(req.user!), form.data, config.bcryptCost);
      flash(req, { type: 'success', text: `Added ${user.email} as ${user.role}.` });
      res.redirect('/users');
    } catch (e) {
      if (e instanceof ConflictError) {
        return renderList(res.status(409), { values, errors: { email: e.message } });
      }
      throw e;
    }
  });

  router.post('/:id/role', async (req, res) => {
    const { id } = parseOrThrow(idParam, req.params);
    const { role } = parseOrThrow(z.object({ role: roleField }), req.body);
    await setRole(db, actorOf(req.user!), id, role);
    flash(req, { type: 'success', text: 'Role updated.' });
    res.redirect('/users');
  });

  router.post('/:id/active', async (req, res) => {
    const { id } = parseOrThrow(idParam, req.params);
    const { active } = parseOrThrow(z.object({ active: z.enum(['true', 'false']) }), req.body);
    await setActive(db, actorOf(req.user!), id, active === 'true');
    flash(req, {
      type: 'success',
      text: active === 'true' ? 'User reactivated.' : 'User deactivated; their sessions have ended.',
    });
    res.redirect('/users');
  });

  router.post('/:id/password', async (req, res) => {
    const { id } = parseOrThrow(idParam, req.params);
    const password = await resetPassword(db, actorOf(req.user!), id, config.bcryptCost);
    flash(req, { type: 'info', text: `New password (shown once, hand it over securely): ${password}` });
    res.redirect('/users');
  });

  return router;
}
