import { beforeEach, describe, expect, it } from 'vitest';
import { ensureAdmin } from '../../src/services/accounts/users.ts';
import { resetData, useTestDatabase } from '../support/db.ts';

/** The first admin of a new installation, also when several instances start at the same moment. */

const ctx = useTestDatabase();
beforeEach(() => resetData(ctx.db));

describe('the first admin', () => {
  it('is made once when instances start together; only the one that made it has the password', async () => {
    const results = await Promise.all(Array.from({ length: 4 }, () => ensureAdmin(ctx.db.prisma, { bcryptCost: 4 })));
    const made = results.filter((r) => r !== null);
    expect(made).toHaveLength(1);
    expect(made[0]?.email).toBe('admin@backupchecks.local');
    expect(made[0]?.password).toMatch(/^[a-z0-9]{4}(-[a-z0-9]{4}){3}$/);
    expect(await ctx.db.prisma.user.count({ where: { role: 'admin' } })).toBe(1);
    // A later start finds it and makes none.
    expect(await ensureAdmin(ctx.db.prisma, { bcryptCost: 4 })).toBeNull();
  });

  it('uses ADMIN_EMAIL and ADMIN_PASSWORD, and never hands the given password back', async () => {
    const made = await ensureAdmin(ctx.db.prisma, {
      email: 'it@msp.example',
      password: 'a long enough secret',
      bcryptCost: 4,
    });
    expect(made).toEqual({ email: 'it@msp.example', password: null });
  });
});
