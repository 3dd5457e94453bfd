import { Router } from 'express';
import type { AppContext } from '../context.ts';
import { requireApiToken } from '../middleware/api-token.ts';
import { ingestRun, runInputSchema } from '../services/runs/ingestion.ts';
import { parseOrThrow } from '../shared/validation.ts';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** POST /api/v1/runs: token → JSON object → zod → ingest. 201 for a new run, 200 for a repeated externalId. */
export function apiRunRoutes({ database }: AppContext): Router {
  const db = database.prisma;
  const router = Router();

  router.post('/runs', requireApiToken(db), async (req, res) => {
    // express.json leaves the body undefined for other content types, and accepts arrays.
    if (!isPlainObject(req.body)) {
      res.status(400).json({
        error: {
          code: 'bad_request',
          message: 'Send the run as a JSON object in the request body, with Content-Type: application/json.',
        },
      });
      return;
    }
    const input = parseOrThrow(runInputSchema, req.body);
    const { run, created } = await ingestRun(db, input);
    const url = `/runs/${run.id}`;
    if (created) res.status(201).location(url);
    res.json({ id: run.id, url, created, externalId: run.externalId });
  });

  return router;
}
