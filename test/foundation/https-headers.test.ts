import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/app.ts';
import { buildTestApp } from '../support/app.ts';
import { useTestDatabase } from '../support/db.ts';

/**
 * `upgrade-insecure-requests` makes the browser fetch the page's stylesheets, scripts and form
 * targets over https. Sent to a browser that opened http://server:3000 on a LAN, it left an
 * unstyled page whose sign-in form went nowhere; it belongs only on requests that came over https
 * (src/middleware/security-headers.ts).
 */
const ctx = useTestDatabase();
const apps: BuiltApp[] = [];
afterAll(async () => {
  for (const app of apps) await app.close();
});

function appWith(env: Record<string, string>): BuiltApp['app'] {
  const built = buildTestApp(ctx.db, env);
  apps.push(built);
  return built.app;
}

const production = { NODE_ENV: 'production', DATABASE_URL: 'postgresql://unused@127.0.0.1/unused' };
const UPGRADE = 'upgrade-insecure-requests';

async function cspOf(app: BuiltApp['app'], headers: Record<string, string> = {}): Promise<string> {
  const res = await request(app).get('/login').set(headers);
  expect(res.status).toBe(200);
  return String(res.headers['content-security-policy']);
}

describe('the CSP and plain http', () => {
  it('production over plain http (a LAN install): no upgrade, the rest of the policy unchanged', async () => {
    const csp = await cspOf(appWith(production));
    expect(csp).not.toContain(UPGRADE);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
  });

  it('production behind an https proxy with TRUST_PROXY: upgrade', async () => {
    const app = appWith({ ...production, TRUST_PROXY: 'true' });
    expect(await cspOf(app, { 'X-Forwarded-Proto': 'https' })).toContain(UPGRADE);
    // The same installation reached over http (the proxy says so, or no proxy at all): none.
    expect(await cspOf(app, { 'X-Forwarded-Proto': 'http' })).not.toContain(UPGRADE);
    expect(await cspOf(app)).not.toContain(UPGRADE);
  });

  it('an X-Forwarded-Proto nobody was told to trust changes nothing', async () => {
    const app = appWith({ ...production, TRUST_PROXY: 'false' });
    expect(await cspOf(app, { 'X-Forwarded-Proto': 'https' })).not.toContain(UPGRADE);
  });

  it('development over http://localhost: no upgrade', async () => {
    expect(await cspOf(appWith({ NODE_ENV: 'development' }))).not.toContain(UPGRADE);
  });
});
