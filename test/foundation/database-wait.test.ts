import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DatabaseUnreachableError,
  describeConnectError,
  serverOf,
  waitForDatabase,
} from '../../src/db/wait-for-database.ts';

/**
 * Start-up against a PostgreSQL server that does not answer (src/db/wait-for-database.ts): one
 * line per attempt, then one final line and exit status 1, never a stack trace. DATABASE_WAIT_SECONDS
 * keeps the wait short here; the backoff itself is the app's (1 s, then doubling).
 */
const root = path.resolve(import.meta.dirname, '../..');
const serverUrl = process.env.TEST_DATABASE_URL;

/** A port on 127.0.0.1 that nothing listens on: taken from the system, then let go. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function runServer(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'info', PORT: '0', ...env };
  delete childEnv.TEST_DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: root, env: childEnv });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

/** The `msg` of each JSON log line, and every other line as it is. */
function linesOf(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return (JSON.parse(line) as { msg: string }).msg;
      } catch {
        return line;
      }
    });
}

describe('start-up while the database is unreachable', () => {
  it('tries again with backoff, one line per attempt, then stops with one line and status 1', async () => {
    const port = await closedPort();
    const { code, output } = await runServer({
      DATABASE_URL: `postgresql://backupchecks:hunter2-secret@127.0.0.1:${port}/backupchecks`,
      DATABASE_WAIT_SECONDS: '2',
    });
    expect(code).toBe(1);
    const lines = linesOf(output);
    const retries = lines.filter((line) => line.includes('is not reachable (attempt'));
    const final = lines.at(-1)!;
    expect(retries[0]).toBe(
      `Database at 127.0.0.1:${port} is not reachable (attempt 1: connection refused, nothing listens on that port); next attempt in 1 s`,
    );
    retries.forEach((line, i) =>
      expect(line).toMatch(
        new RegExp(
          `^Database at 127\\.0\\.0\\.1:${port} is not reachable \\(attempt ${i + 1}: connection refused, nothing listens on that port\\); next attempt in [\\d.]+ s$`,
        ),
      ),
    );
    expect(retries.length).toBeGreaterThanOrEqual(2);
    expect(final).toMatch(
      new RegExp(
        `^Database at 127\\.0\\.0\\.1:${port} is still not reachable after ${retries.length + 1} attempts in \\d+ s \\(connection refused, nothing listens on that port\\); giving up\\. Check DATABASE_URL`,
      ),
    );
    // Every line is one of those: no stack trace, no driver dump, and never the password.
    expect(lines).toEqual([...retries, final]);
    expect(output).not.toMatch(/^\s+at /m);
    expect(output).not.toContain('hunter2-secret');
  }, 60_000);

  it('with DATABASE_WAIT_SECONDS=0 tries once', async () => {
    const port = await closedPort();
    const log: string[] = [];
    const waiting = waitForDatabase(`postgresql://u@127.0.0.1:${port}/x`, { waitSeconds: 0, log: (l) => log.push(l) });
    await expect(waiting).rejects.toBeInstanceOf(DatabaseUnreachableError);
    await expect(waiting).rejects.toThrow(`still not reachable after 1 attempt in 0 s`);
    expect(log).toEqual([]);
  });

  it('names the server without its credentials and says what failed in a few words', () => {
    expect(serverOf('postgresql://user:secret@db.example.com/app')).toBe('db.example.com:5432');
    expect(serverOf('postgresql://user@[::1]:6543/app')).toBe('[::1]:6543');
    expect(serverOf('postgresql:///app?host=/var/run/postgresql')).toBe('/var/run/postgresql:5432');
    expect(describeConnectError(Object.assign(new Error('getaddrinfo ENOTFOUND db'), { code: 'ENOTFOUND' }))).toBe(
      'unknown host',
    );
    // Node's error for "localhost" (both address families refused) has an empty message.
    expect(describeConnectError(Object.assign(new AggregateError([], ''), { code: 'ECONNREFUSED' }))).toBe(
      'connection refused, nothing listens on that port',
    );
    expect(describeConnectError(new Error('Connection terminated due to connection timeout'))).toBe('no answer');
  });
});

describe.skipIf(!serverUrl)(
  'start-up against a PostgreSQL server (needs TEST_DATABASE_URL: skipped without it)',
  () => {
    it('goes on as soon as the server answers', async () => {
      const target = new URL(serverUrl!);
      const port = await closedPort();
      // A stand-in for a server that comes up: after the first refused attempt, a proxy to the real one.
      const proxy = net.createServer((socket) => {
        const upstream = net.connect(Number(target.port || 5432), target.hostname);
        socket.pipe(upstream).pipe(socket);
        socket.on('error', () => upstream.destroy());
        upstream.on('error', () => socket.destroy());
      });
      const log: string[] = [];
      const url = new URL(serverUrl!);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      try {
        const result = await waitForDatabase(url.toString(), {
          waitSeconds: 30,
          log: (line) => {
            log.push(line);
            proxy.listen(port, '127.0.0.1');
          },
        });
        expect(result).toEqual({ attempts: 2 });
        expect(log).toHaveLength(1);
      } finally {
        await new Promise((resolve) => proxy.close(resolve));
      }
    });

    it('does not wait out an answer of the server itself (no such database)', async () => {
      const url = new URL(serverUrl!);
      url.pathname = '/bc_no_such_database';
      const log: string[] = [];
      const waiting = waitForDatabase(url.toString(), { waitSeconds: 30, log: (l) => log.push(l) });
      await expect(waiting).rejects.toThrow(
        `Database at ${serverOf(serverUrl!)} refused the connection: database "bc_no_such_database" does not exist. Check DATABASE_URL.`,
      );
      expect(log).toEqual([]);
    });
  },
);
