import { Prisma, type Db } from '../../db/database.ts';
import { RuleError } from '../../errors/catalogue.ts';
import { paths } from '../../paths.ts';
import { audit, type Actor } from './audit.ts';

/** The one row of SecuritySettings (prisma/schema.prisma). */
const SETTINGS_ID = 1;

export interface SecuritySettings {
  readonly requireTwoFactorForAdmins: boolean;
}

/** The settings; an installation that never saved them has the defaults (nothing required). */
export async function getSecuritySettings(db: Pick<Db, 'securitySettings'>): Promise<SecuritySettings> {
  const row = await db.securitySettings.findUnique({ where: { id: SETTINGS_ID } });
  return { requireTwoFactorForAdmins: row?.requireTwoFactorForAdmins ?? false };
}

/**
 * Saves the settings; false when nothing changed. Requiring two-factor sign-in is refused while the
 * admin saving it has not set it up: they would be shut out of every page but the set-up page.
 */
export async function saveSecuritySettings(db: Db, actor: Actor, input: SecuritySettings): Promise<boolean> {
  const current = await getSecuritySettings(db);
  if (current.requireTwoFactorForAdmins === input.requireTwoFactorForAdmins) return false;
  if (input.requireTwoFactorForAdmins) await assertEnrolled(db, actor);
  await db.securitySettings.upsert({
    where: { id: SETTINGS_ID },
    create: { id: SETTINGS_ID, ...input },
    update: input,
  });
  await audit(db, actor, {
    action: 'security.settings_changed',
    summary: input.requireTwoFactorForAdmins
      ? 'Required two-factor sign-in for admins'
      : 'Stopped requiring two-factor sign-in for admins',
    details: { requireTwoFactorForAdmins: input.requireTwoFactorForAdmins },
  });
  return true;
}

async function assertEnrolled(db: Db, actor: Actor): Promise<void> {
  const me =
    actor.id === null ? null : await db.user.findUnique({ where: { id: actor.id }, select: { totpEnabledAt: true } });
  if (!me?.totpEnabledAt) {
    throw new RuleError(
      'Turn on two-factor sign-in for your own account first: requiring it now would lock you out of everything else.',
      paths.account.twoFactor,
    );
  }
}

/**
 * The condition "must set up two-factor sign-in" over the user row `alias` of a query: the setting
 * is on and they have not. The session store reads it with the session (session-store.ts), so
 * admins' pages need no statement of their own for it.
 */
export function twoFactorPendingSql(alias: string): Prisma.Sql {
  const user = Prisma.raw(`"${alias}"`);
  return Prisma.sql`(${user}."totpEnabledAt" IS NULL AND EXISTS (
    SELECT 1 FROM "SecuritySettings" sec WHERE sec."id" = ${SETTINGS_ID} AND sec."requireTwoFactorForAdmins"))`;
}

/**
 * Whether this user must set up two-factor sign-in before using the app: the setting is on and
 * they have not. One query joining the setting's row to the user's, for admins whose session did
 * not come with the answer (src/middleware/two-factor-required.ts); false while the setting is off.
 */
export async function mustSetUpTwoFactor(db: Db, userId: number): Promise<boolean> {
  const rows = await db.$queryRaw<Array<{ blocked: boolean }>>`
    SELECT EXISTS (
      SELECT 1 FROM "SecuritySettings" s JOIN "User" u ON u."id" = ${userId}
      WHERE s."id" = ${SETTINGS_ID} AND s."requireTwoFactorForAdmins" AND u."totpEnabledAt" IS NULL
    ) AS "blocked"`;
  return rows[0]?.blocked === true;
}
