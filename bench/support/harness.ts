import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type BuiltApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import type { Database, Role } from '../../src/db/database.ts';
import { createLogger } from '../../src/logger.ts';
import { hashPassword } from '../../src/services/accounts/passwords.ts';

/**
 * The app on a loopback port with two meters: server time (request in → response finished, so
 * without the client's share) and the number of SQL statements Prisma sent while it was handled.
 * Requests are sent one at a time, so every statement belongs to the request being measured.
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
  close(): Promise<void>;
}

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

  let queries = 0;
  // Prisma 7 with driver adapters still emits query events (checked with both adapters).
  database.prisma.$on('query' as never, () => {
    queries += 1;
  });
  // The measurement waiting for the response that is in flight (one at a time).
  let onFinish: ((ms: number, q: number, status: number) => void) | null = null;
  const server = http.createServer((req, res) => {
    const start = process.hrtime.bigint();
    const queriesAtStart = queries;
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      onFinish?.(ms, queries - queriesAtStart, res.statusCode);
    });
    built.app(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function timed(path: string, cookie: string) {
    const result = new Promise<{ ms: number; q: number; status: number }>((resolve) => {
      onFinish = (ms, q, status) => resolve({ ms, q, status });
    });
    const cpuBefore = process.cpuUsage();
    const res = await fetch(baseUrl + path, { headers: { cookie }, redirect: 'manual' });
    await res.arrayBuffer();
    const cpu = process.cpuUsage(cpuBefore);
    const out = { ...(await result), cpuMs: (cpu.user + cpu.system) / 1000 };
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
