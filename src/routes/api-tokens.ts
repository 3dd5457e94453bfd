import { Router, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { requireRole } from '../middleware/auth.ts';
import { flash } from '../middleware/flash.ts';
import { createApiToken, listApiTokens, revokeApiToken, tokenFormSchema } from '../services/accounts/api-tokens.ts';
import { actorOf } from '../services/accounts/audit.ts';
import { parseForm, parseOrThrow } from '../shared/validation.ts';

const idParam = z.object({ id: z.coerce.number().int().positive() });

/** Settings → API tokens (admins): tokens for POST /api/v1/runs. */
export function apiTokenRoutes({ database }: AppContext): Router {
  const db = database.prisma;
  const router = Router();
  router.use(requireRole('admin'));

  const renderList = async (res: Response, extra: object = {}) =>
    res.render('api-tokens/index', {
      title: 'API tokens',
      tokens: await listApiTokens(db),
      values: {},
      errors: {},
      ...extra,
    });

  router.get('/', async (_req, res) => renderList(res));

  router.post('/', async (req, res) => {
    const form = parseForm(tokenFormSchema, req.body);
    if (!form.ok) return renderList(res.status(422), { values: { name: req.body?.name }, errors: form.errors });
    const { token, record } = await createApiToken(db, req.user!, form.data.name);
    // The only time the token exists outside the sender: it is not stored, only its hash.
    flash(req, { type: 'info', text: `New API token "${record.name}" (copy it now, it is shown only once): ${token}` });
    res.redirect('/settings/api-tokens');
  });

  router.post('/:id/revoke', async (req, res) => {
    const { id } = parseOrThrow(idParam, req.params);
    const token = await revokeApiToken(db, actorOf(req.user!), id);
    flash(req, { type: 'success', text: `Revoked API token "${token.name}". Calls with it are refused from now on.` });
    res.redirect('/settings/api-tokens');
  });

  return router;
}
