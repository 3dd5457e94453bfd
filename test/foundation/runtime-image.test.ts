import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/db.ts';

/**
 * The Dockerfile's runtime stage, reproduced without Docker: its instructions are read from the
 * Dockerfile itself (so this follows any change to it), its `RUN` runs in a scratch folder (the
 * production install: it needs the npm registry or npm's cache), its `COPY`s copy from this
 * repository and from a fresh `npm run build`, and its `CMD` starts against an empty PostgreSQL
 * database with only the variables a deployment sets. Then the first admin signs in and opens
 * Run Checks. PostgreSQL only, as production requires it.
 */

const root = path.resolve(import.meta.dirname, '../..');
const serverUrl = process.env.TEST_DATABASE_URL;
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const run = promisify(execFile);

type Instruction =
  | { kind: 'env'; values: Record<string, string> }
  | { kind: 'copy'; from: string | undefined; sources: string[]; dest: string }
  | { kind: 'run'; command: string }
  | { kind: 'cmd'; argv: string[] };

/** The instructions of the Dockerfile's last stage that shape what the image contains and runs. */
function runtimeStage(dockerfile: string): Instruction[] {
  const lines = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const stage = lines.slice(lines.findLastIndex((line) => /^FROM\s/i.test(line)) + 1);
  const instructions: Instruction[] = [];
  for (const line of stage) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    // Options (--from=, --mount=, --chown=) come first; the command's own options come after.
    const firstWord = rest.findIndex((w) => !w.startsWith('--'));
    const optionCount = firstWord === -1 ? rest.length : firstWord;
    const options = rest.slice(0, optionCount);
    const words = rest.slice(optionCount);
    const flag = (name: string) => options.find((w) => w.startsWith(`--${name}=`))?.split('=')[1];
    switch (keyword.toUpperCase()) {
      case 'ENV':
        instructions.push({
          kind: 'env',
          values: Object.fromEntries(words.map((w) => w.split('=') as [string, string])),
        });
        break;
      case 'COPY':
        instructions.push({ kind: 'copy', from: flag('from'), sources: words.slice(0, -1), dest: words.at(-1)! });
        break;
      case 'RUN':
        // Build-time options such as --mount=type=cache only speed the build up.
        instructions.push({ kind: 'run', command: words.join(' ') });
        break;
      case 'CMD':
        instructions.push({ kind: 'cmd', argv: JSON.parse(rest.join(' ')) as string[] });
        break;
      case 'WORKDIR':
      case 'USER':
      case 'EXPOSE':
      case 'HEALTHCHECK':
        break;
      default:
        throw new Error(`runtime-image.test.ts does not know how to reproduce "${line}": teach it`);
    }
  }
  return instructions;
}

/** What `COPY --from=build /app/dist ./dist` takes from the build stage: `npm run build`'s output. */
async function buildInto(outDir: string): Promise<void> {
  await run(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: root }).catch(
    (err: { stdout?: string; stderr?: string }) => {
      throw new Error(`npm run build failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    },
  );
}

function copyInto(scratch: string, sources: string[], dest: string): void {
  for (const source of sources) {
    const target =
      dest.endsWith('/') || sources.length > 1
        ? path.join(scratch, dest, path.basename(source))
        : path.join(scratch, dest);
    fs.cpSync(path.join(root, source), target, { recursive: true });
  }
}

let scratch = '';
const admin = { email: 'first.admin@example.com', password: 'runtime-image-password-1' };
let database: TestDatabase | undefined;
let server: ChildProcessWithoutNullStreams | undefined;
let output = '';
let baseUrl = '';

/** Runs the stage's instructions in order; resolves with the CMD and the ENV the image would have. */
async function reproduceRuntimeStage(): Promise<{ argv: string[]; env: Record<string, string> }> {
  const instructions = runtimeStage(fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8'));
  // The compile takes longest and needs nothing from the stage: started at once, awaited at its COPY.
  const build = buildInto(path.join(scratch, 'build-output'));
  build.catch(() => undefined);
  let env: Record<string, string> = {};
  let argv: string[] = [];
  for (const step of instructions) {
    if (step.kind === 'env') env = { ...env, ...step.values };
    if (step.kind === 'cmd') argv = step.argv;
    if (step.kind === 'run') {
      await run('sh', ['-c', step.command], {
        cwd: scratch,
        // npm's cache, when it has the packages, saves the downloads; what is installed is the same.
        env: { PATH: process.env.PATH!, HOME: os.homedir(), npm_config_prefer_offline: 'true', ...env },
        maxBuffer: 16 * 1024 * 1024,
      }).catch((err: { stdout?: string; stderr?: string }) => {
        throw new Error(`RUN ${step.command} failed:\n${err.stdout ?? ''}${err.stderr ?? ''}`);
      });
    }
    if (step.kind === 'copy' && step.from === undefined) copyInto(scratch, step.sources, step.dest);
    if (step.kind === 'copy' && step.from !== undefined) {
      if (step.from !== 'build' || step.sources.join() !== '/app/dist') {
        throw new Error(
          `runtime-image.test.ts does not know what COPY --from=${step.from} ${step.sources.join(' ')} holds`,
        );
      }
      await build;
      fs.renameSync(path.join(scratch, 'build-output'), path.join(scratch, step.dest));
    }
  }
  return { argv, env };
}

async function waitForListening(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    const onData = () => {
      const port = /listening on http:\/\/localhost:(\d+)/.exec(output)?.[1];
      if (port) resolve(`http://127.0.0.1:${port}`);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}:\n${output}`)));
  });
}

/** A minimal cookie jar: the session cookie the sign-in sets. */
function cookiesOf(res: Response, jar: Map<string, string>): void {
  for (const header of res.headers.getSetCookie()) {
    const [pair = ''] = header.split(';');
    const at = pair.indexOf('=');
    jar.set(pair.slice(0, at), pair.slice(at + 1));
  }
}
const cookieHeader = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');

describe.skipIf(!serverUrl)(
  'the Dockerfile runtime stage, built and started as the image runs it (PostgreSQL: skipped without TEST_DATABASE_URL)',
  () => {
    beforeAll(async () => {
      scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bc-runtime-'));
      database = await createTestDatabase({ empty: true });
      const { argv, env } = await reproduceRuntimeStage();
      const [program, ...args] = argv;
      expect(program).toBe('node');
      server = spawn(process.execPath, args, {
        cwd: scratch,
        env: {
          PATH: process.env.PATH!,
          ...env,
          PORT: '0',
          HOST: '127.0.0.1',
          DATABASE_URL: database.url!,
          SESSION_SECRET: crypto.randomBytes(24).toString('hex'),
          APP_ENCRYPTION_KEY: crypto.randomBytes(32).toString('hex'),
          ADMIN_EMAIL: admin.email,
          ADMIN_PASSWORD: admin.password,
        },
      });
      server.stdout.on('data', (d: Buffer) => (output += d.toString()));
      server.stderr.on('data', (d: Buffer) => (output += d.toString()));
      baseUrl = await waitForListening(server);
    }, 180_000);

    afterAll(async () => {
      if (server && server.exitCode === null) {
        const exited = new Promise((resolve) => server!.once('exit', resolve));
        server.kill('SIGTERM');
        await exited;
      }
      await database?.close();
      if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    });

    it('installs no development tools', () => {
      for (const dev of [
        'typescript',
        'prisma',
        'tsx',
        'vitest',
        '@prisma/studio-core',
        '@backupchecks/autotask-simulator',
        '@backupchecks/connectwise-simulator',
        '@backupchecks/simulator-kit',
      ]) {
        expect(fs.existsSync(path.join(scratch, 'node_modules', dev)), dev).toBe(false);
      }
    });

    it('migrates the empty database, lets the first admin sign in and shows Run Checks', async () => {
      expect(output).toContain('Applied migration');
      const jar = new Map<string, string>();
      const loginPage = await fetch(`${baseUrl}/login`);
      expect(loginPage.status).toBe(200);
      cookiesOf(loginPage, jar);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await loginPage.text())?.[1];
      expect(csrf).toBeTruthy();
      // Opened over plain http, as on a LAN: nothing may be upgraded to https.
      expect(loginPage.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');

      const signIn = await fetch(`${baseUrl}/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieHeader(jar) },
        body: new URLSearchParams({ _csrf: csrf!, email: admin.email, password: admin.password }).toString(),
      });
      expect(signIn.status).toBe(302);
      cookiesOf(signIn, jar);

      const runChecks = await fetch(`${baseUrl}/run-checks`, {
        redirect: 'manual',
        headers: { cookie: cookieHeader(jar) },
      });
      expect(runChecks.status).toBe(200);
      expect(await runChecks.text()).toContain('Run Checks');
      // The stylesheets come from the runtime install (Pico from node_modules) and public/.
      for (const asset of ['/static/vendor/pico/pico.min.css', '/static/css/app.css', '/static/js/app.js']) {
        expect((await fetch(`${baseUrl}${asset}`)).status, asset).toBe(200);
      }
    });

    it('writes nothing into its own folder (the image runs as a user who may not)', () => {
      expect(fs.existsSync(path.join(scratch, 'data'))).toBe(false);
    });
  },
);
