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
import { pageSchema, parseOrThrow } from '../../shared/validation.ts';
import { searchGivesDetails } from '../../services/mapping/company-search.ts';
import { requestProfile } from '../integration/request-settings.ts';
import { mappingDepsOf } from './deps.ts';

const pageQuery = z.object({ page: pageSchema });
const confirmForm = z.object({ customerId: idSchema, companyId: idSchema, page: pageSchema });
/** `customerId:companyId`, both held to the id rule (ten digits can exceed the column). */
const pairField = z.string().transform((pair, ctx) => {
  const parts = pair.split(':').map((part) => idSchema.safeParse(part));
  const [customerId, companyId] = parts;
  if (parts.length === 2 && customerId?.success && companyId?.success) {
    return { customerId: customerId.data, companyId: companyId.data };
  }
  ctx.issues.push({ code: 'custom', input: pair, message: 'Each suggestion is a customer ID and a company ID.' });
  return z.NEVER;
});
const pairsForm = z.object({
  pair: z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(pairField).min(1, 'No exact suggestions were sent.').max(500)),
  page: pageSchema,
});

/**
 * Mapping suggestions. Each page view searches the active PSA (one request per customer on the
 * page), so the page and its confirm buttons are for admins (guards in routes/mapping.ts).
 */
export async function get(req: Request, res: Response): Promise<void> {
  const { page } = parseOrThrow(pageQuery, req.query);
  const report = await suggestMappings(await mappingDepsOf(req), { page });
  await renderSuggestions(req, res, { report, page, problem: null });
}

/** The PSA could not be searched (or is not configured): the page says why, without suggestions. */
export async function showFailure(req: Request, res: Response, failure: Failure): Promise<void> {
  const { page } = parseOrThrow(pageQuery, req.query);
  await renderSuggestions(req, res, { report: null, page, problem: failure.problem });
}

async function renderSuggestions(
  req: Request,
  res: Response,
  state: { report: SuggestionReport | null; page: number; problem: Problem | null },
): Promise<void> {
  const profile = await requestProfile(req);
  res.render('mapping/suggestions', {
    title: 'Mapping suggestions',
    pageSize: SUGGESTIONS_PAGE_SIZE,
    psaName: profile.name,
    companyDetails: searchGivesDetails(profile),
    ...state,
  });
}

/** "Confirm" on one suggestion, close ones included: mapped like a search pick, checked with the PSA. */
export async function postConfirm(req: Request, res: Response): Promise<void> {
  const form = parseOrThrow(confirmForm, req.body);
  const deps = await mappingDepsOf(req);
  const { customer, company } = await mapCustomer(
    deps,
    actorOf(currentUser(req)),
    form.customerId,
    form.companyId,
    'suggestion',
  );
  flash(req, {
    type: 'success',
    text: `Mapped ${customer.name} to ${deps.profile.name} company ${company.name} (ID ${company.id}).`,
  });
  res.redirect(backToSuggestionsOf(req));
}

/** "Confirm all exact matches": each pair is checked again; the ones that no longer hold are skipped. */
export async function postConfirmExact(req: Request, res: Response): Promise<void> {
  const { pair: pairs } = parseOrThrow(pairsForm, req.body);
  const deps = await mappingDepsOf(req);
  const outcome = await confirmExactSuggestions(deps, actorOf(currentUser(req)), pairs);
  flash(req, {
    type: outcome.mapped.length > 0 ? 'success' : 'info',
    text: `Mapped ${outcome.mapped.length} customer${outcome.mapped.length === 1 ? '' : 's'} to their exactly matching ${deps.profile.name} company.`,
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
