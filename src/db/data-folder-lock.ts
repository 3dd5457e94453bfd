import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';

/**
 * PGlite has no lock of its own: two processes on one data folder would corrupt it. The lock is
 * proper-lockfile's folder, refreshed every 5 s and stale 15 s after its last refresh. A process
 * killed hard (kill -9, OOM, power loss) cannot remove it, so a restart within those 15 s would be
 * refused. The owner file next to it names the process holding the lock: when that process is
 * gone, the lock is taken over at once, with one line saying so.
 *
 * Two processes taking over the same dead lock in the same instant can both get it, as with
 * proper-lockfile's own stale takeover; the loser's next refresh finds the lock compromised and
 * stops it.
 */

export class DataFolderLockedError extends Error {
  override name = 'DataFolderLockedError';
}

const LOCK_NAME = 'backupchecks.lock';
/** Beside the lock, not in it: proper-lockfile removes its lock folder with rmdir, which needs it empty. */
const OWNER_NAME = 'backupchecks.lock.owner';

/** Lock folders this process holds now: a pid equal to ours is then no previous life of it. */
const heldHere = new Set<string>();

interface Owner {
  pid: number;
  hostname: string;
}

export async function lockDataFolder(
  dir: string,
  options: { log: (line: string) => void },
): Promise<() => Promise<void>> {
  fs.mkdirSync(dir, { recursive: true });
  const lockPath = path.resolve(dir, LOCK_NAME);
  let release: () => Promise<void>;
  try {
    release = await acquire(dir, lockPath);
  } catch (error) {
    if (!isLocked(error)) throw error;
    const owner = readOwner(dir);
    if (!owner || mayBeRunning(owner, lockPath)) throw lockedError(dir, owner);
    options.log(
      `The data folder "${dir}" was locked by process ${owner.pid}, which is no longer running (it was stopped without ` +
        'shutting down); taking over its lock.',
    );
    fs.rmSync(lockPath, { recursive: true, force: true });
    // Another process may have taken it meanwhile: then it is its lock, and this one refuses.
    release = await acquire(dir, lockPath).catch((again: unknown) => {
      throw isLocked(again) ? lockedError(dir, readOwner(dir)) : again;
    });
  }
  const me: Owner = { pid: process.pid, hostname: os.hostname() };
  fs.writeFileSync(path.join(dir, OWNER_NAME), JSON.stringify(me));
  heldHere.add(lockPath);
  return async () => {
    heldHere.delete(lockPath);
    // Only our own record: after a compromised lock the file may name the process that took over.
    if (readOwner(dir)?.pid === me.pid) fs.rmSync(path.join(dir, OWNER_NAME), { force: true });
    await release();
  };
}

function acquire(dir: string, lockPath: string): Promise<() => Promise<void>> {
  return lockfile.lock(dir, { lockfilePath: lockPath, stale: 15_000, update: 5_000 });
}

function isLocked(error: unknown): boolean {
  return (error as { code?: string }).code === 'ELOCKED';
}

function readOwner(dir: string): Owner | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(dir, OWNER_NAME), 'utf8')) as Partial<Owner>;
    if (Number.isInteger(parsed.pid) && typeof parsed.hostname === 'string') {
      return { pid: parsed.pid!, hostname: parsed.hostname };
    }
  } catch {
    // No owner file (a lock being taken right now, or left by a version without one): unknown.
  }
  return undefined;
}

/**
 * Whether the owner might still run. A process on another machine (a shared folder) cannot be
 * asked, so it might. Our own pid is a previous life of this process: in a container the app is
 * pid 1 after every restart.
 */
function mayBeRunning(owner: Owner, lockPath: string): boolean {
  if (owner.hostname !== os.hostname()) return true;
  if (owner.pid === process.pid) return heldHere.has(lockPath);
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as { code?: string }).code === 'EPERM';
  }
}

function lockedError(dir: string, owner: Owner | undefined): DataFolderLockedError {
  const who = !owner
    ? ''
    : owner.hostname === os.hostname()
      ? ` (pid ${owner.pid})`
      : ` (pid ${owner.pid} on ${owner.hostname})`;
  return new DataFolderLockedError(
    `Another Backupchecks process is already using the data folder "${dir}"${who}. Stop it first, or set DATA_DIR to another folder.`,
  );
}
