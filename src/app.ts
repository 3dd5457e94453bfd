import crypto from 'node:crypto';
import path from 'node:path';
import express from 'express';
import session from 'express-session';
import { pinoHttp } from 'pino-http';
import { createContext, type AppContext, type AppDeps } from './context.ts';
import { loadUser } from './middleware/auth.ts';
import { csrfProtection, exposeCsrfToken } from './middleware/csrf.ts';
import { errorHandler, notFound } from './middleware/errors.ts';
import { exposeFlash } from './middleware/flash.ts';
import { saveSessionBeforeRedirect } from './middleware/redirect.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { exposeViewHelpers } from './middleware/view-helpers.ts';
import { createMetrics } from './metrics/metrics.ts';
import { queueStats } from './jobs/report.ts';
import { paths } from './paths.ts';
import { apiRoutes, pageRoutes, publicRoutes } from './routes/index.ts';
import { PrismaStore } from './services/accounts/session-store.ts';
import { settleDeferredWork } from './shared/deferred-work.ts';
import { formatDateTime } from './shared/time.ts';
import { viewEngine } from './shared/view-engine.ts';

const root = path.resolve(import.meta.dirname, '..');

export interface BuiltApp {
  readonly app: express.Express;
  readonly context: AppContext;
  /** Waits for deferred work, then stops timers owned by the app (the session store's sweep). */
  close(): Promise<void>;
}

export function createApp(deps: AppDeps): BuiltApp {
  const { config, database, logger } = deps;
  const db = database.prisma;
  // A registry per app, not prom-client's global one: tests build many apps in one process.
  const context = createContext(deps, createMetrics({ db, logger }));
  // The queue's state is the shared table's, so every instance reports the same, web-only ones too.
  context.metrics.observeQueue(deps.queueSource ?? (() => queueStats(db)));
  const app = express();
  app.locals['context'] = context;

  app.set('view engine', 'ejs');
  // Includes resolved once per compiled template, not looked up on every render (src/shared/view-engine.ts).
  app.engine('ejs', viewEngine());
  app.set('views', path.join(root, 'views'));
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');

  // Defaults every template can rely on, also when an error page renders before the session loads.
  app.use((_req, res, next) => {
    Object.assign(res.locals, {
      user: null,
      nav: [],
      flash: [],
      csrfToken: () => '',
      currentPath: '',
      timezone: config.timezone,
      paths,
    });
    res.locals.fmt = (d: Date | null) => formatDateTime(d, config.timezone);
    next();
  });
  app.use(securityHeaders());
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const id = (req.headers['x-request-id'] as string | undefined) ?? crypto.randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      autoLogging: {
        // Probes and scrapes every few seconds; a refused scrape logs a line of its own.
        ignore: (req) =>
          req.url === paths.health || req.url === paths.metrics || (req.url ?? '').startsWith('/static/'),
      },
    }),
  );

  app.use('/static', express.static(path.join(root, 'public'), { maxAge: '1h' }));
  app.use('/static/vendor/pico', express.static(path.join(root, 'node_modules/@picocss/pico/css'), { maxAge: '1d' }));
  // Every answer but a static file's, timed under its route pattern (src/metrics/http-duration.ts).
  app.use(context.metrics.requestDuration);

  // Everything but the static files is private: pages show customers' data, and some show a new password or API token once: never stored by a
  // browser's or a proxy's cache, never shown again by the Back button after signing out.
  app.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  // Public, session-less routes first: health checks and the token-authenticated API. Mounting the
  // API before the session middleware is what guarantees a session cookie cannot authenticate it.
  app.use(publicRoutes());
  app.use(apiRoutes());
  app.use('/api', notFound);

  const sessionStore = new PrismaStore(db);
  app.use(
    session({
      name: 'bc.sid',
      secret: deps.secrets.sessionSecret,
      store: sessionStore,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: {
        httpOnly: true,
        sameSite: 'lax',
        secure: config.cookieSecure,
        maxAge: 12 * 60 * 60 * 1000,
      },
    }),
  );
  app.use(saveSessionBeforeRedirect);
  app.use(express.urlencoded({ extended: false, limit: '200kb' }));
  app.use(express.json({ limit: '200kb' }));
  app.use(loadUser(db));
  app.use(csrfProtection);
  app.use(exposeCsrfToken, exposeFlash, exposeViewHelpers(context));
  app.use(pageRoutes());

  app.use(notFound);
  app.use(errorHandler(logger, { showDetails: config.showErrorDetails }));

  return {
    app,
    context,
    async close() {
      // Work started after a response (status refreshes, reconciles) finishes before the
      // database goes away, so a shutdown never cuts a write to Autotask's bookkeeping short.
      await settleDeferredWork();
      sessionStore.shutdown();
    },
  };
}
