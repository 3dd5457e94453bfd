import { describe, expect, it } from 'vitest';
import { signInAs } from '../support/app.ts';
import { useAppWithSimulator, type SignedIn } from '../support/app-with-simulator.ts';
import { adminOnlyRoutes } from '../support/routes.ts';
import { settingsForm, settingsRow } from './helpers.ts';

/**
 * Operators and reporters get 403 on every Settings → Autotask route, also when they send a
 * complete, valid form with a working secret: nothing is saved, nothing reaches Autotask.
 */

const suite = useAppWithSimulator({ per: 'file', signIn: ['operator', 'reporter'] });
const { ctx, simCtx, built } = suite;
const agents: Partial<Record<'operator' | 'reporter', SignedIn>> = suite.as;

const settingsRoutes = adminOnlyRoutes.filter(
  ([, path]) => path.startsWith('/settings') && !path.startsWith('/settings/api-tokens'),
);

describe('Settings → Autotask is for admins only', () => {
  it('covers every settings route, test connection included', () => {
    const paths = settingsRoutes.map(([m, p]) => `${m} ${p.split('?')[0]}`);
    for (const route of [
      'GET /settings',
      'GET /settings/autotask',
      'POST /settings/autotask',
      'POST /settings/autotask/picklists/refresh',
      'POST /settings/autotask/test',
      'POST /settings/autotask/validate',
      'GET /settings/autotask/diagnostics',
      'GET /settings/autotask/export.md',
      'GET /settings/autotask/disconnect',
      'POST /settings/autotask/disconnect',
    ]) {
      expect(paths).toContain(route);
    }
  });

  for (const role of ['operator', 'reporter'] as const) {
    it.each(settingsRoutes)(`${role}: %s %s answers 403 and changes nothing`, async (method, path) => {
      const { agent, csrf } = agents[role]!;
      const before = await settingsRow(ctx.db);
      const events = await ctx.db.prisma.auditEvent.count();
      const form = {
        ...settingsForm(simCtx.sim, csrf, { secret: simCtx.sim.credentials.secret, queueId: '29683481' }),
        mode: 'delete',
        confirm: 'DELETE',
      };
      const res = method === 'GET' ? await agent.get(path) : await agent.post(path).type('form').send(form);
      expect(res.status).toBe(403);
      expect(res.text).toContain('Your role does not allow this action.');
      expect(await settingsRow(ctx.db)).toEqual(before);
      expect(simCtx.sim.requestLog).toEqual([]);
      expect(await ctx.db.prisma.auditEvent.count()).toBe(events);
    });
  }

  it('the navigation offers Settings to admins only', async () => {
    const operatorPage = await agents.operator!.agent.get('/run-checks');
    expect(operatorPage.text).not.toContain('href="/settings"');
    const admin = await signInAs(built.app, ctx.db, 'admin');
    expect((await admin.agent.get('/run-checks')).text).toContain('href="/settings"');
  });
});
