import type { Request, Response } from 'express';
import { contextOf } from '../../context.ts';
import { paths } from '../../paths.ts';
import { ingestRun, runInputSchema } from '../../services/runs/ingestion.ts';
import { parseOrThrow } from '../../shared/validation.ts';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** POST /api/v1/runs: JSON object → zod → ingest. 201 for a new run, 200 for a repeated externalId. */
export async function post(req: Request, res: Response): Promise<void> {
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
  const { run, created } = await ingestRun(contextOf(req).database.prisma, input);
  const url = paths.runs.show(run.id);
  if (created) res.status(201).location(url);
  res.json({ id: run.id, url, created, externalId: run.externalId });
}
