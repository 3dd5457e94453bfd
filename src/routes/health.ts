import { Router } from 'express';
import type { AppContext } from '../context.ts';

/** For load balancers and docker healthchecks: 200 when the database answers, else 503. */
export function healthRoutes({ database }: AppContext): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    try {
      await database.prisma.$queryRaw`SELECT 1`;
      res.json({ status: 'ok', database: 'ok' });
    } catch {
      res.status(503).json({ status: 'unavailable', database: 'unreachable' });
    }
  });
  return router;
}
