import { z } from 'zod';
import { Prisma, type Db, type Role, type User } from '../../db/database.ts';
import { ConflictError, NotFoundError, RuleError, ValidationError } from '../../errors/catalogue.ts';
import { audit, type Actor } from './audit.ts';
import { generatePassword, hashPassword, unusableHash, verifyPassword } from './passwords.ts';
import { endSessionsOf } from './sessions.ts';

export const roles = ['admin', 'operator', 'reporter'] as const satisfies readonly Role[];

export const emailField = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'Enter an e-mail address such as name@example.com' }));
export const passwordField = z.string().min(12, 'Use at least 12 characters').max(200, 'Use at most 200 characters');
export const roleField = z.enum(roles, { error: 'Choose admin, operator or reporter' });

export const newUserSchema = z.object({
  email: emailField,
  name: z.string().trim().min(1, 'Enter a name').max(100, 'Use at most 100 characters'),
  role: roleField,
  password: passwordField,
});
export type NewUser = z.infer<typeof newUserSchema>;

export type PublicUser = Pick<User, 'id' | 'email' | 'name' | 'role' | 'active'>;

export async function createUser(db: Db, actor: Actor, input: NewUser, bcryptCost: number): Promise<User> {
  try {
    const user = await db.user.create({
      data: {
        email: input.email,
        name: input.name,
        role: input.role,
        passwordHash: await hashPassword(input.password, bcryptCost),
      },
    });
    await audit(db, actor, {
      action: 'user.created',
      summary: `Added user ${user.email} as ${user.role}`,
      targetType: 'user',
      targetId: user.id,
    });
    return user;
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') {
      throw new ConflictError(`A user with e-mail ${input.email} already exists.`, 'email');
    }
    throw e;
  }
}

/** Sign-in check. Returns the user only for a matching password on an active account. */
export async function authenticate(
  db: Db,
  email: string,
  password: string,
): Promise<{ ok: true; user: User } | { ok: false; reason: 'invalid' | 'inactive' }> {
  const user = await db.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  const matches = await verifyPassword(password, user?.passwordHash ?? unusableHash);
  if (!user || !matches) return { ok: false, reason: 'invalid' };
  if (!user.active) return { ok: false, reason: 'inactive' };
  return { ok: true, user };
}

export const USER_MISSING = 'This user does not exist. The link may be wrong.';

/** The user an admin acts on; a missing one is a missing page (404), not a database failure. */
async function findUserOrThrow(db: Db, userId: number): Promise<User> {
  const user = await db.user.findUnique({ where: { id: userId } });
  if (!user) throw new NotFoundError(USER_MISSING);
  return user;
}

async function assertKeepsAnAdmin(db: Db, userId: number): Promise<void> {
  const otherAdmins = await db.user.count({ where: { role: 'admin', active: true, id: { not: userId } } });
  if (otherAdmins === 0) throw new RuleError('This is the last active admin. Make someone else admin first.');
}

export async function setRole(db: Db, actor: Actor, userId: number, role: Role): Promise<void> {
  const user = await findUserOrThrow(db, userId);
  if (user.role === role) return;
  if (user.role === 'admin') await assertKeepsAnAdmin(db, userId);
  await db.user.update({ where: { id: userId }, data: { role } });
  await endSessionsAfterChange(db, actor, userId);
  await audit(db, actor, {
    action: 'user.role_changed',
    summary: `Changed role of ${user.email} from ${user.role} to ${role}`,
    targetType: 'user',
    targetId: userId,
  });
}

export async function setActive(db: Db, actor: Actor, userId: number, active: boolean): Promise<void> {
  const user = await findUserOrThrow(db, userId);
  if (user.active === active) return;
  if (!active) {
    if (actor.id === userId) throw new RuleError('You cannot deactivate your own account.');
    if (user.role === 'admin') await assertKeepsAnAdmin(db, userId);
  }
  await db.user.update({ where: { id: userId }, data: { active } });
  if (!active) await endSessionsOf(db, userId);
  await audit(db, actor, {
    action: active ? 'user.activated' : 'user.deactivated',
    summary: `${active ? 'Reactivated' : 'Deactivated'} ${user.email}`,
    targetType: 'user',
    targetId: userId,
  });
}

/** Sets a new random password and returns it once, for the admin to hand over. */
export async function resetPassword(db: Db, actor: Actor, userId: number, bcryptCost: number): Promise<string> {
  const user = await findUserOrThrow(db, userId);
  const password = generatePassword();
  await db.user.update({ where: { id: userId }, data: { passwordHash: await hashPassword(password, bcryptCost) } });
  await endSessionsAfterChange(db, actor, userId);
  await audit(db, actor, {
    action: 'user.password_reset',
    summary: `Reset the password of ${user.email}`,
    targetType: 'user',
    targetId: userId,
  });
  return password;
}

/**
 * A change to who someone is or how they prove it (role, password) ends their sessions: a session
 * opened before it, perhaps stolen, must not carry on with the new rights. Someone changing their
 * own account keeps the session they do it from.
 */
async function endSessionsAfterChange(db: Db, actor: Actor, userId: number): Promise<void> {
  await endSessionsOf(db, userId, actor.id === userId ? actor.sessionId : undefined);
}

export const passwordChangeSchema = z
  .object({
    currentPassword: z.string().min(1, 'Enter your current password').max(200),
    newPassword: passwordField,
    confirmPassword: z.string().max(200),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ['confirmPassword'],
    error: 'The two new passwords are not the same',
  });
export type PasswordChange = z.infer<typeof passwordChangeSchema>;

/** A user changes their own password: the current one first; their other sessions end. */
export async function changeOwnPassword(
  db: Db,
  actor: Actor,
  input: PasswordChange,
  bcryptCost: number,
): Promise<void> {
  if (actor.id === null) throw new RuleError('Only a signed-in user can change their password.');
  const user = await findUserOrThrow(db, actor.id);
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) {
    throw new ValidationError({ currentPassword: 'This is not your current password' });
  }
  await db.user.update({
    where: { id: user.id },
    data: { passwordHash: await hashPassword(input.newPassword, bcryptCost) },
  });
  await endSessionsAfterChange(db, actor, user.id);
  await audit(db, actor, {
    action: 'user.password_changed',
    summary: `${user.email} changed their password`,
    targetType: 'user',
    targetId: user.id,
  });
}

/** An admin signs a user out everywhere (a lost laptop, a leaving employee). */
export async function signOutEverywhere(db: Db, actor: Actor, userId: number): Promise<number> {
  const user = await findUserOrThrow(db, userId);
  const ended = await endSessionsOf(db, userId, actor.id === userId ? actor.sessionId : undefined);
  await audit(db, actor, {
    action: 'user.signed_out_everywhere',
    summary: `Signed ${user.email} out everywhere (${ended} session${ended === 1 ? '' : 's'} ended)`,
    targetType: 'user',
    targetId: userId,
  });
  return ended;
}

/** A user ends all their sessions but this one. */
export async function signOutOtherSessions(db: Db, actor: Actor): Promise<number> {
  if (actor.id === null || !actor.sessionId) throw new RuleError('Only a signed-in user has sessions to end.');
  const ended = await endSessionsOf(db, actor.id, actor.sessionId);
  await audit(db, actor, {
    action: 'user.signed_out_other_sessions',
    summary: `${actor.label} signed out ${ended} other session${ended === 1 ? '' : 's'}`,
    targetType: 'user',
    targetId: actor.id,
  });
  return ended;
}

export function listUsers(db: Db) {
  return db.user.findMany({ orderBy: [{ active: 'desc' }, { email: 'asc' }] });
}

/**
 * Makes sure an admin can sign in on a new installation. Returns the generated password when one
 * was made (printed once on the console); with ADMIN_EMAIL/ADMIN_PASSWORD those are used instead.
 */
export async function ensureAdmin(
  db: Db,
  options: { email?: string | undefined; password?: string | undefined; bcryptCost: number },
): Promise<{ email: string; password: string | null } | null> {
  if ((await db.user.count({ where: { role: 'admin' } })) > 0) return null;
  const email = options.email ?? 'admin@backupchecks.local';
  const password = options.password ?? generatePassword();
  // Instances starting together on a new database all find no admin; the unique e-mail lets one
  // create it (and print its password), the others go on without one of their own.
  const { count } = await db.user.createMany({
    data: [
      { email, name: 'Administrator', role: 'admin', passwordHash: await hashPassword(password, options.bcryptCost) },
    ],
    skipDuplicates: true,
  });
  if (count === 0) return null;
  return { email, password: options.password ? null : password };
}
