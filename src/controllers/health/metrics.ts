import type { Request, RequestHandler, Response } from 'express';
import { contextOf } from '../../context.ts';
import { NotFoundError } from '../../errors/catalogue.ts';

/**
 * GET /metrics for Prometheus. Mounted before the session middleware (src/app.ts): a scraper has
 * no session, and a session cookie must not open it either. Without METRICS_TOKEN it is a 404 like
 * any unknown address; with one, only `Authorization: Bearer <METRICS_TOKEN>` is let through, and
 * every other request gets a bare 401: no page and no hint what was wrong (src/metrics/scrape-guard.ts).
 */
export const requireScrapeToken: RequestHandler = async (req, res, next) => {
  const { metricsGuard, logger } = contextOf(req);
  if (!metricsGuard) return next(new NotFoundError());
  const verdict = await metricsGuard.check(req.get('authorization'), req.ip ?? '');
  if (verdict.outcome === 'allowed') return next();
  if (verdict.outcome === 'limited') {
    res.status(429).set('Retry-After', String(verdict.retryAfterSeconds)).end();
    return;
  }
  // Logged (the address only, never the header): a scraper with a stale token, or someone guessing.
  logger.warn({ ip: req.ip }, 'metrics: scrape refused (no or wrong bearer token)');
  res.status(401).set('WWW-Authenticate', 'Bearer').end();
};

/** The app's registry in Prometheus text format (src/metrics/metrics.ts). */
export async function get(req: Request, res: Response): Promise<void> {
  const { registry } = contextOf(req).metrics;
  const text = await registry.metrics();
  res.set('Content-Type', registry.contentType).send(text);
}
