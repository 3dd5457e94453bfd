/**
 * A process that takes the data folder's lock the way the app does and holds it until it is killed
 * (test/foundation/data-folder-lock.test.ts). Prints "locked <pid>" once it holds the lock.
 */
import { lockDataFolder } from '../../src/db/data-folder-lock.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: hold-data-folder-lock.ts <data folder>');
await lockDataFolder(dir, { log: (line) => process.stdout.write(`${line}\n`) });
process.stdout.write(`locked ${process.pid}\n`);
// Keeps the process (and proper-lockfile's refresh timer, which is unref'd) alive.
setInterval(() => undefined, 60_000);
