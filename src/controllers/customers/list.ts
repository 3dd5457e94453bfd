import type { Request, Response } from 'express';
import { z } from 'zod';
import { contextOf } from '../../context.ts';
import { currentUser } from '../../middleware/auth.ts';
import type { Failure } from '../../middleware/errors.ts';
import { flash } from '../../middleware/flash.ts';
import { paths } from '../../paths.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import { createCustomer, customerFormSchema, listCustomers } from '../../services/customers/customers.ts';
import { countWaitingUnmatched } from '../../services/runs/unmatched.ts';
import { pageCount, pageSchema, parseOrThrow, searchTextSchema } from '../../shared/validation.ts';
import { customersMappingFor } from '../mapping/customers-mapping.ts';

/** Filters come from the address bar: a bad value falls back to its default instead of an error page. */
const listQuery = z.object({
  q: searchTextSchema(),
  mapping: z.enum(['ok', 'renamed', 'missing', 'invalid']).optional().catch(undefined),
  page: pageSchema,
});
type ListQuery = z.infer<typeof listQuery>;

const PAGE_SIZE = 50;

/** The Customers list: everyone signed in may look; adding is for admins (guard in routes/customers.ts). */
export async function get(req: Request, res: Response): Promise<void> {
  await renderList(req, res, parseOrThrow(listQuery, req.query), {});
}

/** "Add customer". */
export async function post(req: Request, res: Response): Promise<void> {
  const form = parseOrThrow(customerFormSchema, req.body);
  const customer = await createCustomer(contextOf(req).database.prisma, actorOf(currentUser(req)), form.name);
  flash(req, { type: 'success', text: `Added customer ${customer.name}.` });
  res.redirect(paths.customers.index);
}

/** The first page again with the typed name and its error (empty, too long, or taken). */
export async function showFailure(req: Request, res: Response, failure: Failure): Promise<void> {
  const values = { name: (req.body as { name?: unknown } | undefined)?.name };
  await renderList(req, res, { q: undefined, page: 1 }, { values, errors: { ...failure.fieldErrors } });
}

async function renderList(
  req: Request,
  res: Response,
  query: ListQuery,
  form: { values?: Record<string, unknown>; errors?: Record<string, string> },
): Promise<void> {
  const db = contextOf(req).database.prisma;
  const { rows, total, page } = await listCustomers(db, {
    search: query.q,
    mapping: query.mapping,
    page: query.page,
    pageSize: PAGE_SIZE,
  });
  res.render('customers/index', {
    title: 'Customers',
    rows,
    total,
    filters: { q: query.q ?? '', mapping: query.mapping ?? '' },
    page,
    pages: pageCount(total, PAGE_SIZE),
    ...(await customersMappingFor(req, res)),
    unmatchedWaiting: await countWaitingUnmatched(db),
    values: {},
    errors: {},
    ...form,
  });
}
