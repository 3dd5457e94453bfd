import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DataFolderLockedError, lockDataFolder } from '../../src/db/data-folder-lock.ts';

/**
 * The embedded database's folder lock (src/db/data-folder-lock.ts) against real processes: one
 * that holds the lock and runs, and one killed with SIGKILL, which cannot remove its lock.
 */
const root = path.resolve(import.meta.dirname, '../..');
const folders: string[] = [];
const children: ChildProcessWithoutNullStreams[] = [];

function freshFolder(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bc-lock-'));
  folders.push(dir);
  return dir;
}

/** Starts a process holding the lock; resolves once it says so. */
async function holder(dir: string): Promise<ChildProcessWithoutNullStreams> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/hold-data-folder-lock.ts', dir], {
    cwd: root,
  });
  children.push(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      if (output.includes(`locked ${child.pid}`)) resolve();
    });
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => reject(new Error(`lock holder exited with ${code}: ${output}`)));
  });
  return child;
}

async function killHard(child: ChildProcessWithoutNullStreams): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

afterEach(async () => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) await killHard(child);
});
afterAll(() => {
  for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the data folder lock', () => {
  it('refuses while the process holding it runs, naming its pid', async () => {
    const dir = freshFolder();
    const child = await holder(dir);
    const log: string[] = [];
    const attempt = lockDataFolder(dir, { log: (line) => log.push(line) });
    await expect(attempt).rejects.toBeInstanceOf(DataFolderLockedError);
    await expect(attempt).rejects.toThrow(
      `Another Backupchecks process is already using the data folder "${dir}" (pid ${child.pid}).`,
    );
    expect(log).toEqual([]);
  }, 30_000);

  it('takes over at once, with one line, the lock of a process killed with SIGKILL', async () => {
    const dir = freshFolder();
    const child = await holder(dir);
    const pid = child.pid!;
    await killHard(child);
    // The killed process could not remove its lock, and the lock is far from stale (15 s).
    expect(fs.existsSync(path.join(dir, 'backupchecks.lock'))).toBe(true);

    const log: string[] = [];
    const release = await lockDataFolder(dir, { log: (line) => log.push(line) });
    expect(log).toEqual([
      `The data folder "${dir}" was locked by process ${pid}, which is no longer running (it was stopped without shutting down); taking over its lock.`,
    ]);
    // Now this process holds it: a second taker in this process is refused with this pid.
    await expect(lockDataFolder(dir, { log: () => undefined })).rejects.toThrow(`(pid ${process.pid})`);
    await release();
    expect(fs.readdirSync(dir)).toEqual([]);
  }, 30_000);

  it('is free again after a clean release', async () => {
    const dir = freshFolder();
    const release = await lockDataFolder(dir, { log: () => undefined });
    await release();
    const log: string[] = [];
    const again = await lockDataFolder(dir, { log: (line) => log.push(line) });
    await again();
    expect(log).toEqual([]);
  });
});
