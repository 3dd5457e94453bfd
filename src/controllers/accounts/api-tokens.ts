import type { Request, Response } from 'express';
import { contextOf } from '../../context.ts';
import { currentUser } from '../../middleware/auth.ts';
import type { Failure } from '../../middleware/errors.ts';
import { flash } from '../../middleware/flash.ts';
import { paths } from '../../paths.ts';
import {
  createApiToken,
  listApiTokens,
  revokeApiToken,
  TOKEN_MISSING,
  tokenFormSchema,
} from '../../services/accounts/api-tokens.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import { idParam } from '../../shared/ids.ts';
import { parseOrThrow } from '../../shared/validation.ts';

async function render(
  req: Request,
  res: Response,
  values: { name?: unknown } = {},
  errors: Record<string, string> = {},
) {
  res.render('accounts/api-tokens', {
    title: 'API tokens',
    tokens: await listApiTokens(contextOf(req).database.prisma),
    values,
    errors,
  });
}

/** Settings → API tokens (admins): the tokens senders use for POST /api/v1/runs. */
export async function get(req: Request, res: Response): Promise<void> {
  await render(req, res);
}

/** The page again with the name as typed and what was wrong with it. */
export async function renderFailure(req: Request, res: Response, failure: Failure): Promise<void> {
  await render(req, res, { name: (req.body as { name?: unknown } | undefined)?.name }, { ...failure.fieldErrors });
}

export async function post(req: Request, res: Response): Promise<void> {
  const { name } = parseOrThrow(tokenFormSchema, req.body);
  const { token, record } = await createApiToken(contextOf(req).database.prisma, currentUser(req), name);
  // The only time the token exists outside the sender: it is not stored, only its hash.
  flash(req, { type: 'info', text: `New API token "${record.name}" (copy it now, it is shown only once): ${token}` });
  res.redirect(paths.settings.apiTokens);
}

export async function postRevoke(req: Request, res: Response): Promise<void> {
  const id = idParam(req.params['id'], TOKEN_MISSING);
  const token = await revokeApiToken(contextOf(req).database.prisma, actorOf(currentUser(req)), id);
  flash(req, { type: 'success', text: `Revoked API token "${token.name}". Calls with it are refused from now on.` });
  res.redirect(paths.settings.apiTokens);
}
