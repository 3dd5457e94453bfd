import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { createApp, type BuiltApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { Database, Role } from '../../src/db/database.ts';
import { createLogger } from '../../src/logger.ts';
import { hashPassword } from '../../src/services/accounts/passwords.ts';

/**
 * The app on a loopback port with two meters: server time (request in → response finished, so
 * without the client's share) and the number of SQL statements Prisma sent while it was handled.
 * Each request is handled in an async context of its own, so a statement belongs to the request
 * that sent it even when several are in flight (`send`), and work a request defers past its
 * response is not counted.
 */
export interface Measurement {
  readonly label: string;
  readonly requests: number;
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly queriesMin: number;
  readonly queriesMax: number;
  readonly status: number;
  /**
   * Median CPU time of this Node process per request (server, plus the small share of the fetch
   * client in the same process). Unlike wall time it barely moves when the machine is busy.
   */
  readonly cpuMedianMs?: number;
  /** For a batch sent with `send`: from the first request out to the last answer in, and how many were in flight. */
  readonly totalMs?: number;
  readonly concurrency?: number;
}

/** One request of a batch (`Harness.send`). */
export interface BenchRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Record<string, string>;
  /** Sent as JSON. */
  readonly json?: unknown;
}

export interface Harness {
  readonly database: Database;
  readonly baseUrl: string;
  /** A signed-in session cookie for a new user with this role. */
  signIn(role: Role): Promise<string>;
  measure(
    label: string,
    path: string,
    options: { cookie: string; requests: number; warmup?: number },
  ): Promise<Measurement>;
  /**
   * Sends a batch with `concurrency` requests in flight, as a sender of many runs would. Server
   * time and statements are per request; `status` is the first one that was not `expectStatus`,
   * else `expectStatus`.
   */
  send(
    label: string,
    requests: readonly BenchRequest[],
    options: { concurrency: number; expectStatus: number },
  ): Promise<Measurement>;
  close(): Promise<void>;
}

/**
 * The sender of `send`'s batch, run in a worker thread: `concurrency` requests in flight, then the
 * time from the first request out to the last answer in. Plain JavaScript, evaluated as is.
 */
const senderSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { baseUrl, requests, concurrency } = workerData;
let next = 0;
async function sendAll() {
  while (next < requests.length) {
    const r = requests[next++];
    const res = await fetch(baseUrl + r.path, { method: r.method, headers: r.headers, body: r.body, redirect: 'manual' });
    await res.arrayBuffer();
  }
}
const started = performance.now();
Promise.all(Array.from({ length: concurrency }, sendAll)).then(
  () => parentPort.postMessage({ totalMs: performance.now() - started }),
  (e) => parentPort.postMessage({ error: String((e && e.stack) || e) }),
);
`;

const secrets = {
  sessionSecret: 'bench-session-secret-that-is-long-enough-0123456789',
  encryptionKey: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
};

export async function startHarness(database: Database, options: { viewCache?: boolean } = {}): Promise<Harness> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    BCRYPT_COST: '4',
    DEMO_DATA: 'false',
    ...secrets,
  });
  const built: BuiltApp = createApp({ config, database, logger: createLogger('silent'), secrets });
  // As in production (Express turns the view cache on when NODE_ENV=production): templates and
  // their includes are compiled once, not on every request.
  built.app.set('view cache', options.viewCache ?? true);

  const current = new AsyncLocalStorage<{ open: boolean; queries: number }>();
  // Prisma 7 with driver adapters still emits query events (checked with both adapters), in the
  // async context of the call that sent the statement.
  database.prisma.$on('query' as never, () => {
    const window = current.getStore();
    if (window?.open) window.queries += 1;
  });
  interface Served {
    ms: number;
    q: number;
    status: number;
  }
  // Answers the server has finished, by the x-bench-request header of the request, until the
  // client has read them: 'finish' may come before or after the client has the whole response.
  const served = new Map<string, Served>();
  const waiting = new Map<string, (s: Served) => void>();
  let nextId = 0;
  const server = http.createServer((req, res) => {
    const start = process.hrtime.bigint();
    const window = { open: true, queries: 0 };
    const id = req.headers['x-bench-request'];
    res.on('finish', () => {
      window.open = false;
      if (typeof id !== 'string') return;
      const s = { ms: Number(process.hrtime.bigint() - start) / 1e6, q: window.queries, status: res.statusCode };
      const resolve = waiting.get(id);
      if (resolve) {
        waiting.delete(id);
        resolve(s);
      } else served.set(id, s);
    });
    current.run(window, () => {
      built.app(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function serverSide(id: string): Promise<Served> {
    const done = served.get(id);
    if (done) {
      served.delete(id);
      return Promise.resolve(done);
    }
    return new Promise((resolve) => {
      waiting.set(id, resolve);
    });
  }

  async function sendOne(request: BenchRequest) {
    const id = String((nextId += 1));
    const headers: Record<string, string> = { ...request.headers, 'x-bench-request': id };
    if (request.json !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(baseUrl + request.path, {
      method: request.method,
      headers,
      body: request.json === undefined ? undefined : JSON.stringify(request.json),
      redirect: 'manual',
    });
    await res.arrayBuffer();
    return serverSide(id);
  }

  async function timed(path: string, cookie: string) {
    const cpuBefore = process.cpuUsage();
    const result = await sendOne({ method: 'GET', path, headers: { cookie } });
    const cpu = process.cpuUsage(cpuBefore);
    const out = { ...result, cpuMs: (cpu.user + cpu.system) / 1000 };
    // Let anything the request started after its response (there should be nothing) show up here.
    await new Promise((r) => setImmediate(r));
    return out;
  }

  return {
    database,
    baseUrl,
    async signIn(role) {
      const email = `bench-${role}-${Date.now()}@example.com`;
      const password = 'bench password that is long';
      await database.prisma.user.create({
        data: { email, name: `Bench ${role}`, role, passwordHash: await hashPassword(password, 4) },
      });
      const login = await fetch(`${baseUrl}/login`);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1]!;
      const anonymous = cookieOf(login);
      const res = await fetch(`${baseUrl}/login`, {
        method: 'POST',
        headers: { cookie: anonymous, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, email, password }),
        redirect: 'manual',
      });
      if (res.status !== 302) throw new Error(`bench sign-in failed with ${res.status}`);
      return cookieOf(res);
    },
    async measure(label, path, { cookie, requests, warmup = 3 }) {
      for (let i = 0; i < warmup; i += 1) await timed(path, cookie);
      const times: number[] = [];
      const cpu: number[] = [];
      const counts: number[] = [];
      let status = 0;
      for (let i = 0; i < requests; i += 1) {
        const r = await timed(path, cookie);
        times.push(r.ms);
        cpu.push(r.cpuMs);
        counts.push(r.q);
        status = r.status;
      }
      times.sort((a, b) => a - b);
      cpu.sort((a, b) => a - b);
      return {
        label,
        requests,
        medianMs: percentile(times, 0.5),
        p95Ms: percentile(times, 0.95),
        queriesMin: Math.min(...counts),
        queriesMax: Math.max(...counts),
        status,
        cpuMedianMs: percentile(cpu, 0.5),
      };
    },
    async send(label, requests, { concurrency, expectStatus }) {
      const prepared = requests.map((r) => {
        const id = String((nextId += 1));
        const headers: Record<string, string> = { ...r.headers, 'x-bench-request': id };
        if (r.json !== undefined) headers['content-type'] = 'application/json';
        const body = r.json === undefined ? undefined : JSON.stringify(r.json);
        return { id, method: r.method, path: r.path, headers, body };
      });
      const answers = prepared.map((r) => serverSide(r.id));
      // The sender runs in a thread of its own, as another process would: its share of the work
      // (undici's, about a tenth of this process's time per request) does not slow the app down.
      const sender = new Worker(senderSource, { eval: true, workerData: { baseUrl, requests: prepared, concurrency } });
      try {
        const done = await new Promise<{ totalMs?: number; error?: string }>((resolve, reject) => {
          sender.once('message', resolve);
          sender.once('error', reject);
        });
        if (done.error !== undefined) throw new Error(`bench sender failed: ${done.error}`);
        const results = await Promise.all(answers);
        const times = results.map((r) => r.ms).sort((a, b) => a - b);
        const counts = results.map((r) => r.q);
        return {
          label,
          requests: results.length,
          medianMs: percentile(times, 0.5),
          p95Ms: percentile(times, 0.95),
          queriesMin: Math.min(...counts),
          queriesMax: Math.max(...counts),
          status: results.find((r) => r.status !== expectStatus)?.status ?? expectStatus,
          totalMs: done.totalMs!,
          concurrency,
        };
      } finally {
        await sender.terminate();
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await built.close();
    },
  };
}

function cookieOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}
