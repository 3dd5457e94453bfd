import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

const production = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgresql://u:p@db:5432/app',
  SESSION_SECRET: 'x'.repeat(40),
  APP_ENCRYPTION_KEY: 'ab'.repeat(32),
};

function messageOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('config', () => {
  it('accepts a complete production environment', () => {
    const config = loadConfig(production);
    expect(config.isProduction).toBe(true);
    expect(config.port).toBe(3000);
    expect(config.demoData).toBe(false);
    // Start-up waits this long for a PostgreSQL server that is still starting (src/db/wait-for-database.ts).
    expect(config.databaseWaitSeconds).toBe(120);
    expect(loadConfig({ ...production, DEMO_DATA: 'false', DATABASE_WAIT_SECONDS: '0' }).databaseWaitSeconds).toBe(0);
  });

  it('runs with nothing configured outside production (embedded database, demo data)', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBeUndefined();
    expect(config.demoData).toBe(true);
    expect(config.dataDir).toBe('data');
  });

  it.each([
    ['SESSION_SECRET', { SESSION_SECRET: '' }, 'SESSION_SECRET is required when NODE_ENV=production'],
    ['APP_ENCRYPTION_KEY', { APP_ENCRYPTION_KEY: '' }, 'APP_ENCRYPTION_KEY is required when NODE_ENV=production'],
    ['DATABASE_URL', { DATABASE_URL: '' }, 'DATABASE_URL is required when NODE_ENV=production'],
    ['bad key', { APP_ENCRYPTION_KEY: 'short' }, 'APP_ENCRYPTION_KEY must be 64 hexadecimal characters'],
    ['bad port', { PORT: 'eighty' }, 'PORT'],
    ['bad url', { DATABASE_URL: 'mysql://x' }, 'DATABASE_URL must be a postgresql:// URL'],
    ['short secret', { SESSION_SECRET: 'abc' }, 'SESSION_SECRET must be at least 32 characters'],
    ['bad time zone', { APP_TIMEZONE: 'Mars/Olympus' }, 'APP_TIMEZONE must be an IANA time zone'],
    // The production image has no Autotask simulator and may not write its folder: demo mode there crashed.
    ['demo data', { DEMO_DATA: 'true' }, 'DEMO_DATA=true is not allowed when NODE_ENV=production'],
    ['negative database wait', { DATABASE_WAIT_SECONDS: '-1' }, 'DATABASE_WAIT_SECONDS'],
  ])('%s gives one line naming the variable', (_name, change, expected) => {
    const message = messageOf({ ...production, ...change });
    expect(message).toContain(expected);
    expect(message.startsWith('Configuration error: ')).toBe(true);
    expect(message).not.toContain('\n');
  });
});
