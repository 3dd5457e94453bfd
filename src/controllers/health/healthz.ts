import type { Request, Response } from 'express';
import { contextOf } from '../../context.ts';

/** For load balancers and docker healthchecks: 200 when the database answers, else 503. */
export async function get(req: Request, res: Response): Promise<void> {
  try {
    await contextOf(req).database.prisma.$queryRaw`SELECT 1`;
    res.json({ status: 'ok', database: 'ok' });
  } catch {
    res.status(503).json({ status: 'unavailable', database: 'unreachable' });
  }
}
