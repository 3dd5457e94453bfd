import { z } from 'zod';

/**
 * The environment, parsed once. Everything the app reads from process.env goes through here so a
 * bad value fails at start with one clear line instead of surfacing later as a strange bug.
 */

const booleanish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const hexKey = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal characters (32 bytes), e.g. from `openssl rand -hex 32`');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgresql:// URL' }).optional(),
  DATABASE_WAIT_SECONDS: z.coerce.number().int().min(0).max(3600).default(120),
  DATA_DIR: z.string().min(1).default('data'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  APP_ENCRYPTION_KEY: hexKey.optional(),
  APP_BASE_URL: z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).optional(),
  APP_TIMEZONE: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Amsterdam').default('UTC'),
  SHOW_ERROR_DETAILS: booleanish.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: booleanish.default(false),
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  DEMO_DATA: booleanish.optional(),
  AUTOTASK_ZONE_LOOKUP_URL: z.url({ protocol: /^https?$/ }).optional(),
  AUTOTASK_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
  AUTOTASK_THREAD_WAIT_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
  AUTOTASK_SIMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(4010),
  DEMO_PSA: z.enum(['autotask', 'connectwise'], { error: 'must be autotask or connectwise' }).default('autotask'),
  CONNECTWISE_SIMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(4020),
  TICKET_STATUS_REFRESH_MINUTES: z.coerce.number().int().min(1).max(15).default(15),
  MISSED_RUN_CHECK_MINUTES: z.coerce.number().int().min(1).max(60).default(5),
  ROLE: z.enum(['all', 'web', 'worker']).default('all'),
  JOB_POLL_SECONDS: z.coerce.number().int().min(1).max(60).default(5),
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(11),
  LOGIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(5),
  LOGIN_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(15 * 60),
  METRICS_TOKEN: z
    .string()
    .min(32, 'must be at least 32 characters, e.g. from `openssl rand -hex 32`')
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces (it is sent in an Authorization header)')
    .optional(),
});

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export type Env = z.infer<typeof envSchema>;

export interface Config {
  readonly nodeEnv: Env['NODE_ENV'];
  readonly isProduction: boolean;
  /**
   * Error pages show the stack of an unexpected error. Off unless asked for: a stack names files,
   * queries and data, and every signed-in user can reach an error page.
   */
  readonly showErrorDetails: boolean;
  readonly port: number;
  readonly host: string;
  /** Set: use that PostgreSQL server. Unset: embedded PGlite in `${dataDir}/pglite`. */
  readonly databaseUrl: string | undefined;
  /**
   * How long start-up keeps trying to reach DATABASE_URL's server before it gives up
   * (src/db/wait-for-database.ts): a server still starting or restarting is waited for. 0: once.
   */
  readonly databaseWaitSeconds: number;
  readonly dataDir: string;
  /** Unset outside production: generated and kept in the data folder (see secrets.ts). */
  readonly sessionSecret: string | undefined;
  readonly encryptionKey: string | undefined;
  readonly baseUrl: string | undefined;
  readonly timezone: string;
  readonly logLevel: Env['LOG_LEVEL'];
  readonly trustProxy: boolean;
  readonly cookieSecure: 'auto' | boolean;
  readonly adminEmail: string | undefined;
  readonly adminPassword: string | undefined;
  /** Seed demo customers, runs and the simulator-backed integration on an empty database. */
  readonly demoData: boolean;
  /**
   * Which PSA's simulator the demo starts and configures (src/services/demo/demo-psa.ts). Only read
   * with demo data on; the other PSA is left switched off.
   */
  readonly demoPsa: 'autotask' | 'connectwise';
  readonly autotask: {
    readonly zoneLookupUrl: string | undefined;
    readonly timeoutMs: number;
    /**
     * The longest wait for a free Autotask thread slot, counted across every instance
     * (src/db/autotask-threads.ts); past it the request is not sent and the page says Autotask is busy.
     */
    readonly threadWaitMs: number;
    readonly simulatorPort: number;
    /**
     * Minutes between background reads of open tickets' statuses
     * (src/services/tickets/background-status-refresh.ts): a ticket closed in Autotask shows
     * Complete within this long without a page view. At most 15, the promise made to operators.
     */
    readonly ticketStatusRefreshMinutes: number;
  };
  readonly connectwise: {
    /** Port of the demo's ConnectWise simulator; fixed, so ticket links stored on runs keep working across restarts. */
    readonly simulatorPort: number;
  };
  /**
   * Minutes between missed-run detection cycles (src/services/schedules/background-detection.ts):
   * a window whose deadline passed is recorded as a missed run within about this long.
   */
  readonly missedRunCheckMinutes: number;
  /**
   * What this process does (docs/operations.md): `all` serves pages and runs the background jobs,
   * `web` only serves, `worker` only runs jobs. The embedded database is one process: `all` only.
   */
  readonly role: 'all' | 'web' | 'worker';
  /** How often a worker looks for queued jobs and whether a scheduled job is due (src/jobs/). */
  readonly jobPollSeconds: number;
  readonly bcryptCost: number;
  readonly login: { readonly maxAttempts: number; readonly windowSeconds: number };
  /**
   * Bearer token Prometheus sends to GET /metrics (src/controllers/health/metrics.ts). Unset:
   * /metrics answers 404, as if it did not exist (docs/operations.md, What to watch in /metrics).
   */
  readonly metricsToken: string | undefined;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Parses the environment. Throws ConfigError whose message is one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    throw new ConfigError(`Configuration error: ${name} ${issue?.message ?? 'is invalid'}`);
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  if (isProduction) {
    // In production nothing is generated on the fly: a lost data folder must not silently rotate
    // the key that decrypts the Autotask secret, or sign every user out.
    for (const name of ['SESSION_SECRET', 'APP_ENCRYPTION_KEY', 'DATABASE_URL'] as const) {
      if (!e[name]) throw new ConfigError(`Configuration error: ${name} is required when NODE_ENV=production`);
    }
    // Demo mode seeds made-up customers into the real database and needs the Autotask simulator,
    // a development package the production install leaves out; it is for trying the app out.
    if (e.DEMO_DATA) {
      throw new ConfigError(
        'Configuration error: DEMO_DATA=true is not allowed when NODE_ENV=production (demo data is for trying the app out); remove it or set it to false',
      );
    }
  }
  if (e.ROLE !== 'all' && !e.DATABASE_URL) {
    throw new ConfigError(
      `Configuration error: ROLE=${e.ROLE} needs DATABASE_URL (the embedded database serves one process, which does both); remove ROLE or set DATABASE_URL`,
    );
  }
  return {
    nodeEnv: e.NODE_ENV,
    isProduction,
    showErrorDetails: e.SHOW_ERROR_DETAILS,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databaseWaitSeconds: e.DATABASE_WAIT_SECONDS,
    dataDir: e.DATA_DIR,
    sessionSecret: e.SESSION_SECRET,
    encryptionKey: e.APP_ENCRYPTION_KEY,
    baseUrl: e.APP_BASE_URL,
    timezone: e.APP_TIMEZONE,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    cookieSecure: e.COOKIE_SECURE === 'auto' ? 'auto' : e.COOKIE_SECURE === 'true',
    adminEmail: e.ADMIN_EMAIL,
    adminPassword: e.ADMIN_PASSWORD,
    demoData: e.DEMO_DATA ?? (!e.DATABASE_URL && !e.AUTOTASK_ZONE_LOOKUP_URL && !isProduction),
    demoPsa: e.DEMO_PSA,
    autotask: {
      zoneLookupUrl: e.AUTOTASK_ZONE_LOOKUP_URL,
      timeoutMs: e.AUTOTASK_TIMEOUT_MS,
      threadWaitMs: e.AUTOTASK_THREAD_WAIT_MS,
      simulatorPort: e.AUTOTASK_SIMULATOR_PORT,
      ticketStatusRefreshMinutes: e.TICKET_STATUS_REFRESH_MINUTES,
    },
    connectwise: { simulatorPort: e.CONNECTWISE_SIMULATOR_PORT },
    missedRunCheckMinutes: e.MISSED_RUN_CHECK_MINUTES,
    role: e.ROLE,
    jobPollSeconds: e.JOB_POLL_SECONDS,
    bcryptCost: e.BCRYPT_COST,
    login: { maxAttempts: e.LOGIN_MAX_ATTEMPTS, windowSeconds: e.LOGIN_WINDOW_SECONDS },
    metricsToken: e.METRICS_TOKEN,
  };
}
