import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../../src/logger.ts';
import { loadSimulatorPackage, SIMULATOR_PACKAGE } from '../../src/services/demo/autotask-simulator.ts';
import {
  CONNECTWISE_SIMULATOR_PACKAGE,
  loadConnectWiseSimulatorPackage,
} from '../../src/services/demo/connectwise-simulator.ts';

/**
 * The Autotask simulator is a development package (packages/autotask-simulator): the production
 * build must neither contain its code nor import it statically, since a production install does
 * not have it. This compiles the app the way `npm run build` does, into a temporary folder.
 */

const root = path.resolve(import.meta.dirname, '../..');
const packageSource = path.join(root, 'packages/autotask-simulator/src');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bc-build-'));

/** Strings found in the simulator's source and nowhere in the app's. */
const MARKERS = [
  '<h1>Autotask simulator</h1>',
  'function startSimulator(',
  'function createSimulatorApp(',
  'class ThreadLimiter',
];

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).isFile());
}

let emitted: { file: string; text: string }[] = [];

beforeAll(async () => {
  await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir], {
    cwd: root,
  }).catch((err: { stdout?: string; stderr?: string }) => {
    // tsc reports on stdout: a build error fails here in the compiler's own words.
    throw new Error(`npm run build failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  });
  emitted = filesUnder(outDir)
    .filter((f) => f.endsWith('.js'))
    .map((f) => ({ file: path.relative(outDir, f), text: fs.readFileSync(f, 'utf8') }));
}, 180_000);
afterAll(() => {
  fs.rmSync(outDir, { recursive: true, force: true });
});

describe('the production build', () => {
  it('compiles the app', () => {
    expect(emitted.map((e) => e.file)).toContain('server.js');
  });

  it('emits no file of the simulator package', () => {
    const all = filesUnder(outDir).map((f) => path.relative(outDir, f).split(path.sep).join('/'));
    expect(all.filter((f) => /(^|\/)(packages|autotask-simulator|simulator)\//.test(f))).toEqual([]);
  });

  it('contains none of the simulator code', () => {
    const source = filesUnder(packageSource)
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('\n');
    for (const marker of MARKERS) {
      // A marker the simulator no longer has would make this test pass for nothing.
      expect(source).toContain(marker);
      expect(emitted.filter((e) => e.text.includes(marker)).map((e) => e.file)).toEqual([]);
    }
  });

  it('does not import the simulator packages statically', () => {
    for (const name of [SIMULATOR_PACKAGE, CONNECTWISE_SIMULATOR_PACKAGE]) {
      const staticImport = new RegExp(`^\\s*(import|export)\\b[^;]*?\\bfrom\\s*['"]${name}['"]`, 'm');
      const bareImport = new RegExp(`^\\s*import\\s*['"]${name}['"]`, 'm');
      expect(emitted.filter((e) => staticImport.test(e.text) || bareImport.test(e.text)).map((e) => e.file)).toEqual(
        [],
      );
    }
  });
});

describe('demo mode without the simulator package', () => {
  it('says so in one warning and goes on without it', async () => {
    const warn = vi.fn();
    const logger = { warn } as unknown as Logger;
    expect(await loadSimulatorPackage(logger, '@backupchecks/no-such-package')).toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toMatch(/@backupchecks\/no-such-package is not installed/);
  });

  it('loads the package in a development install', async () => {
    const warn = vi.fn();
    const loaded = await loadSimulatorPackage({ warn } as unknown as Logger);
    expect(typeof loaded?.startSimulator).toBe('function');
    expect(
      typeof (await loadConnectWiseSimulatorPackage({ warn } as unknown as Logger))?.startConnectWiseSimulator,
    ).toBe('function');
    expect(warn).not.toHaveBeenCalled();
  });
});
