import type { Request, Response } from 'express';
import { z } from 'zod';
import { currentUser } from '../../middleware/auth.ts';
import type { Failure, Problem } from '../../middleware/errors.ts';
import { flash } from '../../middleware/flash.ts';
import { paths } from '../../paths.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import { mapCustomer } from '../../services/mapping/map-customer.ts';
import {
  confirmExactSuggestions,
  suggestMappings,
  SUGGESTIONS_PAGE_SIZE,
  type SuggestionReport,
} from '../../services/mapping/suggestions.ts';
import { idSchema } from '../../shared/ids.ts';
import { parseOrThrow } from '../../shared/validation.ts';
import { mappingDepsOf } from './deps.ts';

/** A page number from the address bar or a form: a bad one means the first page, not an error. */
const pageField = z.coerce.number().int().min(1).max(10_000).default(1).catch(1);
const pageQuery = z.object({ page: pageField });
const confirmForm = z.object({ customerId: idSchema, companyId: idSchema, page: pageField });
const pairsForm = z.object({
  pair: z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(
      z
        .array(z.string().regex(/^\d{1,10}:\d{1,10}$/))
        .min(1, 'No exact suggestions were sent.')
        .max(500),
    ),
  page: pageField,
});

/**
 * Mapping suggestions. Each page view searches Autotask (one request per customer on the page), so
 * the page and its confirm buttons are for admins (guards in routes/mapping.ts).
 */
export async function get(req: Request, res: Response): Promise<void> {
  const { page } = parseOrThrow(pageQuery, req.query);
  const report = await suggestMappings(await mappingDepsOf(req), { page });
  renderSuggestions(res, { report, page, problem: null });
}

/** Autotask could not be searched (or is not configured): the page says why, without suggestions. */
export function showFailure(req: Request, res: Response, failure: Failure): void {
  const { page } = parseOrThrow(pageQuery, req.query);
  renderSuggestions(res, { report: null, page, problem: failure.problem });
}

function renderSuggestions(
  res: Response,
  state: { report: SuggestionReport | null; page: number; problem: Problem | null },
): void {
  res.render('mapping/suggestions', { title: 'Mapping suggestions', pageSize: SUGGESTIONS_PAGE_SIZE, ...state });
}

/** "Confirm" on one suggestion, close ones included: mapped like a search pick, checked with Autotask. */
export async function postConfirm(req: Request, res: Response): Promise<void> {
  const form = parseOrThrow(confirmForm, req.body);
  const { customer, company } = await mapCustomer(
    await mappingDepsOf(req),
    actorOf(currentUser(req)),
    form.customerId,
    form.companyId,
    'suggestion',
  );
  flash(req, {
    type: 'success',
    text: `Mapped ${customer.name} to Autotask company ${company.name} (ID ${company.id}).`,
  });
  res.redirect(backToSuggestionsOf(req));
}

/** "Confirm all exact matches": each pair is checked again; the ones that no longer hold are skipped. */
export async function postConfirmExact(req: Request, res: Response): Promise<void> {
  const form = parseOrThrow(pairsForm, req.body);
  const pairs = form.pair.map((p) => {
    const [customerId, companyId] = p.split(':').map(Number) as [number, number];
    return { customerId, companyId };
  });
  const outcome = await confirmExactSuggestions(await mappingDepsOf(req), actorOf(currentUser(req)), pairs);
  flash(req, {
    type: outcome.mapped.length > 0 ? 'success' : 'info',
    text: `Mapped ${outcome.mapped.length} customer${outcome.mapped.length === 1 ? '' : 's'} to their exactly matching Autotask company.`,
  });
  for (const s of outcome.skipped.slice(0, 10)) {
    flash(req, { type: 'warning', text: `Skipped customer ${s.customerId} → company ${s.companyId}: ${s.reason}` });
  }
  res.redirect(backToSuggestionsOf(req));
}

/** Back to the page of suggestions the confirm button was on. */
export function backToSuggestionsOf(req: Request): string {
  const parsed = pageQuery.safeParse(req.body ?? {});
  const page = parsed.success ? parsed.data.page : 1;
  return `${paths.mapping.suggestions}${page > 1 ? `?page=${page}` : ''}`;
}
