import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testSecrets } from './app.ts';

/**
 * The real entry point (src/server.ts) in a child process, as an operator runs an instance: for
 * tests of several instances on one PostgreSQL database. Every instance gets the same secrets, as
 * instances behind one load balancer must.
 */

const root = path.resolve(import.meta.dirname, '../..');

export interface SpawnedApp {
  /** Where it answers; null for ROLE=worker, which serves no HTTP. */
  readonly url: string | null;
  output(): string;
  stop(): Promise<void>;
}

async function waitFor<T>(what: string, fn: () => T | undefined, timeoutMs: number, out: () => string): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = fn();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`${what}: timed out; output so far:\n${out()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function spawnApp(env: Record<string, string>): Promise<SpawnedApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bc-instance-'));
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DEMO_DATA: 'false',
    BCRYPT_COST: '4',
    SESSION_SECRET: testSecrets.sessionSecret,
    APP_ENCRYPTION_KEY: testSecrets.encryptionKey,
    ...env,
  };
  delete childEnv['TEST_DATABASE_URL'];
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: childEnv,
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const output = () => out;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const ready = await waitFor(
      'instance start',
      () => {
        if (child.exitCode !== null) throw new Error(`instance exited with ${child.exitCode}:\n${out}`);
        const listening = /listening on (http:\/\/localhost:\d+)/.exec(out)?.[1];
        if (listening) return { url: listening.replace('localhost', '127.0.0.1') };
        return out.includes('worker started') ? { url: null } : undefined;
      },
      120_000,
      output,
    );
    return { url: ready.url, output, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * Several instances started together. When one fails to start, the ones that did are stopped
 * before the failure is thrown, so no process outlives the test.
 */
export async function spawnApps(count: number, env: Record<string, string>): Promise<SpawnedApp[]> {
  const started = await Promise.allSettled(Array.from({ length: count }, () => spawnApp(env)));
  const failure = started.find((s) => s.status === 'rejected');
  const apps = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  if (failure) {
    await Promise.all(apps.map((app) => app.stop()));
    throw failure.reason;
  }
  return apps;
}
