import pg from 'pg';

/**
 * Start-up waits for DATABASE_URL's server instead of crashing on the first refused connection:
 * after a host reboot or `docker compose up`, PostgreSQL may still be starting, and a crash there
 * used to print a driver stack trace and loop. Each failed attempt is one log line naming the
 * server, what failed and when the next attempt is; giving up is one line too (the thrown error).
 * Answers from the server itself (wrong password, no such database) are not waited out: they do
 * not fix themselves.
 */

export class DatabaseUnreachableError extends Error {
  override name = 'DatabaseUnreachableError';
}

export interface WaitForDatabaseOptions {
  /** Stop trying once this many seconds have passed since the first attempt; 0: one attempt. */
  readonly waitSeconds: number;
  /** One line per failed attempt that is followed by another. */
  readonly log: (line: string) => void;
  /** Connection attempts that get no answer are abandoned after this long. */
  readonly connectTimeoutMs?: number;
}

/** Waits between attempts: 1, 2, 4, 8, then 15 s, never past the deadline. */
const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 15_000;

// SQLSTATEs that mean "try again soon": the server is starting up or shutting down, or full.
const TRANSIENT_SERVER_CODES = new Set(['57P03', '53300']);

export async function waitForDatabase(url: string, options: WaitForDatabaseOptions): Promise<{ attempts: number }> {
  const where = serverOf(url);
  const started = Date.now();
  const deadline = started + options.waitSeconds * 1000;
  let delay = FIRST_DELAY_MS;
  for (let attempt = 1; ; attempt++) {
    const error = await tryConnect(url, options.connectTimeoutMs ?? 5_000);
    if (!error) return { attempts: attempt };
    const reason = describeConnectError(error);
    if (!isTransient(error)) {
      throw new DatabaseUnreachableError(
        `Database at ${where} refused the connection: ${reason}. Check DATABASE_URL.`,
        { cause: error },
      );
    }
    const wait = Math.min(delay, deadline - Date.now());
    if (wait <= 0) {
      const seconds = Math.round((Date.now() - started) / 1000);
      throw new DatabaseUnreachableError(
        `Database at ${where} is still not reachable after ${attempt} attempt${attempt === 1 ? '' : 's'} in ${seconds} s ` +
          `(${reason}); giving up. Check DATABASE_URL and that PostgreSQL is running (DATABASE_WAIT_SECONDS sets how long to wait).`,
        { cause: error },
      );
    }
    options.log(
      `Database at ${where} is not reachable (attempt ${attempt}: ${reason}); next attempt in ${formatSeconds(wait)} s`,
    );
    await new Promise((resolve) => setTimeout(resolve, wait));
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }
}

async function tryConnect(url: string, connectionTimeoutMillis: number): Promise<unknown> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis });
  // A connection the server drops later emits 'error'; without a listener that would crash.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Server-side refusals are final unless the server says it is starting, stopping or full. */
function isTransient(error: unknown): boolean {
  if (error instanceof pg.DatabaseError) return TRANSIENT_SERVER_CODES.has(error.code ?? '');
  return true;
}

/** host:port of a postgresql:// URL, never its user or password. */
export function serverOf(url: string): string {
  const parsed = new URL(url);
  // A Unix socket is given as ?host=/path; the URL's host part is then empty.
  const host = parsed.hostname || parsed.searchParams.get('host') || 'localhost';
  return `${host}:${parsed.port || '5432'}`;
}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused, nothing listens on that port',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'no answer',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection closed by the other side',
};

/** A few words for a log line. Node's errors for "localhost" (IPv6 and IPv4 tried) have no message. */
export function describeConnectError(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  if (code && NETWORK_REASONS[code]) return NETWORK_REASONS[code];
  if (message && /timeout/i.test(message)) return 'no answer';
  if (message && /terminated unexpectedly/i.test(message)) return 'connection closed by the server';
  return message || code || String(error);
}

function formatSeconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}
