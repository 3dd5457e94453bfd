import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `npm start` as a new user runs it: no DATABASE_URL, no .env, an empty data folder. This starts
 * the real entry point (tsx src/server.ts) in a child process and talks to it over HTTP.
 */
const root = path.resolve(import.meta.dirname, '../..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bc-start-'));
const children: ChildProcessWithoutNullStreams[] = [];

function start(): { child: ChildProcessWithoutNullStreams; output: () => string; exited: Promise<number | null> } {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: '0',
    LOG_LEVEL: 'info',
    NODE_ENV: 'development',
    BCRYPT_COST: '4',
  };
  for (const name of [
    'DATABASE_URL',
    'TEST_DATABASE_URL',
    'SESSION_SECRET',
    'APP_ENCRYPTION_KEY',
    'ADMIN_EMAIL',
    'ADMIN_PASSWORD',
  ])
    delete env[name];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: root, env });
  children.push(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitFor<T>(fn: () => T | undefined, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = fn();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await Promise.all(children.filter((c) => c.exitCode === null).map((c) => new Promise((r) => c.once('exit', r))));
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start on an empty data folder', () => {
  it('serves /healthz and /login, prints the first admin once, refuses a second process', async () => {
    const first = start();
    // A first start creates the embedded database (initdb), migrates it and seeds the demo data,
    // alongside the suite's other files: well over a minute on a busy 2-core machine.
    const url = await waitFor(() => /listening on (http:\/\/localhost:\d+)/.exec(first.output())?.[1], 150_000);

    expect(first.output()).toMatch(/e-mail:\s+admin@backupchecks\.local/);
    expect(first.output()).toMatch(/password:\s+[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}/);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    const login = await fetch(`${url}/login`);
    expect(login.status).toBe(200);
    expect(await login.text()).toContain('Sign in');
    expect(fs.existsSync(path.join(dataDir, 'secrets.json'))).toBe(true);

    const second = start();
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain('Another Backupchecks process is already using the data folder');
  }, 180_000);
});
