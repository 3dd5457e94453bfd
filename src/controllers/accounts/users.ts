import type { Request, Response } from 'express';
import { z } from 'zod';
import { contextOf } from '../../context.ts';
import { currentUser } from '../../middleware/auth.ts';
import type { Failure } from '../../middleware/errors.ts';
import { flash } from '../../middleware/flash.ts';
import { paths } from '../../paths.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import {
  createUser,
  listUsers,
  newUserSchema,
  resetPassword,
  roleField,
  setActive,
  setRole,
  signOutEverywhere,
  USER_MISSING,
} from '../../services/accounts/users.ts';
import { idParam } from '../../shared/ids.ts';
import { parseOrThrow } from '../../shared/validation.ts';

const roleForm = z.object({ role: roleField });
const activeForm = z.object({ active: z.enum(['true', 'false']) });

interface NewUserValues {
  readonly email?: unknown;
  readonly name?: unknown;
  readonly role?: unknown;
}

async function render(req: Request, res: Response, values: NewUserValues = {}, errors: Record<string, string> = {}) {
  res.render('accounts/users', {
    title: 'Users',
    users: await listUsers(contextOf(req).database.prisma),
    values,
    errors,
  });
}

/** Users (admins): everyone who can sign in, their roles, and the form to add one. */
export async function get(req: Request, res: Response): Promise<void> {
  await render(req, res);
}

/** The page again with the "Add a user" form as typed and what was wrong (never the password). */
export async function renderFailure(req: Request, res: Response, failure: Failure): Promise<void> {
  const body = req.body as NewUserValues | undefined;
  await render(req, res, { email: body?.email, name: body?.name, role: body?.role }, { ...failure.fieldErrors });
}

/** "Add user"; a bad field or a taken e-mail address comes back through renderFailure. */
export async function post(req: Request, res: Response): Promise<void> {
  const input = parseOrThrow(newUserSchema, req.body);
  const { database, config } = contextOf(req);
  const user = await createUser(database.prisma, actorOf(currentUser(req)), input, config.bcryptCost);
  flash(req, { type: 'success', text: `Added ${user.email} as ${user.role}.` });
  res.redirect(paths.users.index);
}

export async function postRole(req: Request, res: Response): Promise<void> {
  const id = idParam(req.params['id'], USER_MISSING);
  const { role } = parseOrThrow(roleForm, req.body);
  await setRole(contextOf(req).database.prisma, actorOf(currentUser(req), req.sessionID), id, role);
  flash(req, { type: 'success', text: 'Role updated.' });
  res.redirect(paths.users.index);
}

export async function postActive(req: Request, res: Response): Promise<void> {
  const id = idParam(req.params['id'], USER_MISSING);
  const { active } = parseOrThrow(activeForm, req.body);
  await setActive(contextOf(req).database.prisma, actorOf(currentUser(req), req.sessionID), id, active === 'true');
  flash(req, {
    type: 'success',
    text: active === 'true' ? 'User reactivated.' : 'User deactivated; their sessions have ended.',
  });
  res.redirect(paths.users.index);
}

/** A new random password, shown once to the admin who hands it over. */
export async function postPassword(req: Request, res: Response): Promise<void> {
  const id = idParam(req.params['id'], USER_MISSING);
  const { database, config } = contextOf(req);
  const password = await resetPassword(
    database.prisma,
    actorOf(currentUser(req), req.sessionID),
    id,
    config.bcryptCost,
  );
  flash(req, {
    type: 'info',
    text: `New password (shown once, hand it over securely): ${password}. Their sessions have been signed out.`,
  });
  res.redirect(paths.users.index);
}

/** "Sign out everywhere": every session of that user ends (the admin's own current one stays). */
export async function postSignOut(req: Request, res: Response): Promise<void> {
  const id = idParam(req.params['id'], USER_MISSING);
  const ended = await signOutEverywhere(contextOf(req).database.prisma, actorOf(currentUser(req), req.sessionID), id);
  flash(req, { type: 'success', text: `Signed out everywhere: ${ended} session${ended === 1 ? '' : 's'} ended.` });
  res.redirect(paths.users.index);
}
