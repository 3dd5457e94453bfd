import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Database } from '../../src/db/database.ts';

/** The SQL statements Prisma sent for one request, from its arrival until its response finished. */
export interface RequestStatements {
  readonly method: string;
  readonly url: string;
  readonly statements: string[];
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Counts SQL statements per request. Each request runs in its own async context, so statements
 * of other requests and of work another request deferred past its response are not counted even
 * when they run at the same time; the window closes when the response has finished, so work this
 * request defers (`deferAfterResponse`) is not counted either. Needs a database opened with query
 * events (`createTestDatabase({ logQueries: true })`).
 */
export function countStatements(database: Database, app: Handler) {
  const current = new AsyncLocalStorage<{ open: boolean; record: RequestStatements }>();
  const requests: RequestStatements[] = [];
  database.prisma.$on('query' as never, (e: { query: string }) => {
    const window = current.getStore();
    if (window?.open) window.record.statements.push(e.query);
  });
  const handler: Handler = (req, res) => {
    const window = { open: true, record: { method: req.method ?? '', url: req.url ?? '', statements: [] } };
    // Registered before the app's own listeners: the count is taken before deferred work starts.
    res.on('finish', () => {
      window.open = false;
      requests.push(window.record);
    });
    current.run(window, () => app(req, res));
  };
  return {
    handler,
    /** Requests whose responses have finished, oldest first. */
    requests,
    /** The last finished request to `url` with `method`. */
    last(method: string, url: string): RequestStatements {
      const found = requests.findLast((r) => r.method === method && r.url === url);
      if (!found) throw new Error(`no finished ${method} ${url}`);
      return found;
    },
  };
}
