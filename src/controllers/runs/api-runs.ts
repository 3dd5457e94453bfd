import type { Request, Response } from 'express';
import { contextOf } from '../../context.ts';
import { paths } from '../../paths.ts';
import { ingestRun } from '../../services/runs/ingestion.ts';
import { runInputSchema } from '../../services/runs/run-input.ts';
import { parseOrThrow } from '../../shared/validation.ts';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * POST /api/v1/runs: JSON object → zod → ingest. 201 for a new run or a new unmatched report, 200
 * for a repeated externalId. `state` says which: `matched` (a run, at `url`) or `unmatched` (kept
 * until an admin assigns it to a customer; `id` and `url` are null until then).
 */
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
  const outcome = await ingestRun(contextOf(req).database.prisma, input, { apiTokenId: req.apiToken?.id ?? null });
  if (outcome.state === 'unmatched') {
    const { report, created } = outcome;
    if (created) res.status(201);
    res.json({
      state: 'unmatched',
      id: null,
      url: null,
      unmatchedId: report.id,
      created,
      externalId: report.externalId,
      message: `No customer named "${report.customerName}" is known (by name or alias). The run is kept as unmatched until an admin assigns it to a customer; later runs with this name then match by themselves.`,
    });
    return;
  }
  const { run, created } = outcome;
  const url = paths.runs.show(run.id);
  if (created) res.status(201).location(url);
  res.json({ state: 'matched', id: run.id, url, created, externalId: run.externalId });
}
