import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../logger.ts';

/**
 * What the demo's PSA simulators (packages/autotask-simulator, packages/connectwise-simulator) have
 * in common around them: loading the package, keeping its tenant in the data folder, and a fixed
 * port with a fallback.
 *
 * The simulators are development dependencies, loaded with `import()` only here, so the production
 * build neither contains nor imports them. A production install (`npm ci --omit=dev`, as in the
 * image) does not have them: demo mode then says so in one log line and the app runs without a
 * demo PSA.
 */

const TYPESCRIPT_ONLY = 'is TypeScript source that runs under `npm start` only, not the compiled build';

/** Error codes of an install that cannot load the package, each with the reason an admin reads. */
const UNAVAILABLE: Record<string, string> = {
  ERR_MODULE_NOT_FOUND: 'is not installed (production installs leave it out)',
  ERR_UNKNOWN_FILE_EXTENSION: TYPESCRIPT_ONLY,
  ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING: TYPESCRIPT_ONLY,
};

/**
 * The package, or null after one warning when this install cannot load it. Any other failure (a
 * bug inside the package, a missing dependency of it) is thrown as it is. `psaName` says in the
 * warning which demo PSA goes missing.
 */
export async function importSimulatorPackage<T>(logger: Logger, specifier: string, psaName: string): Promise<T | null> {
  try {
    return (await import(specifier)) as T;
  } catch (err) {
    const { code, message } = err as { code?: unknown; message?: unknown };
    const reason = typeof code === 'string' ? UNAVAILABLE[code] : undefined;
    // "Cannot find package 'x'" names the package that is missing: only our own counts here.
    const ours = code !== 'ERR_MODULE_NOT_FOUND' || String(message).includes(`'${specifier}'`);
    if (!reason || !ours) throw err;
    logger.warn(
      `demo ${psaName}: the simulator package ${specifier} ${reason}, so the demo runs without ${psaName}; set it up under Settings`,
    );
    return null;
  }
}

/** A simulator's tenant kept in a file of the data folder, so demo tickets survive a restart. */
export interface SavedTenant<S> {
  /** Where it is kept. */
  readonly file: string;
  /** The tenant as last saved, or null when there is none or it is unreadable (start from the seed). */
  load(): S | null;
  /** Saves the tenant of the simulator attached; the simulator's onChange. A failure is logged, not thrown. */
  readonly save: () => void;
  /** The simulator whose tenant `save` writes (known only once it has started). */
  attach(snapshot: () => S): void;
}

/** `valid` checks that a parsed file has the shape of the package's snapshot. */
export function savedTenant<S>(
  dataDir: string,
  fileName: string,
  valid: (parsed: unknown) => boolean,
  logger: Logger,
): SavedTenant<S> {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, fileName);
  let snapshot: (() => S) | null = null;
  return {
    file,
    load: () => readSaved<S>(file, valid, logger),
    save() {
      if (!snapshot) return;
      try {
        writeSaved(file, snapshot());
      } catch (err) {
        logger.warn({ err, file }, 'saving the simulator state failed');
      }
    },
    attach(source) {
      snapshot = source;
    },
  };
}

function readSaved<S>(file: string, valid: (parsed: unknown) => boolean, logger: Logger): S | null {
  if (!fs.existsSync(file)) return null;
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    if (!valid(parsed)) throw new Error('unknown format');
    return parsed as S;
  } catch (err) {
    logger.warn({ err, file }, 'the saved simulator state is unreadable; starting from the demo tenant');
    return null;
  }
}

/** Written to a temporary file first: a crash mid-write must not leave half a tenant behind. */
function writeSaved(file: string, snapshot: unknown): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(snapshot));
  fs.renameSync(tmp, file);
}

/**
 * Starts a simulator on its fixed port (which keeps the links stored on runs working across
 * restarts); when the port is taken (a second checkout, a test run) any free port still gives a
 * working demo.
 */
export async function startOnPort<T>(
  start: (port: number) => Promise<T>,
  port: number,
  logger: Logger,
  psaName: string,
): Promise<T> {
  return start(port).catch((err: unknown) => {
    if ((err as { code?: string }).code !== 'EADDRINUSE') throw err;
    logger.warn({ port }, `demo ${psaName}: port in use, using a free one instead`);
    return start(0);
  });
}
