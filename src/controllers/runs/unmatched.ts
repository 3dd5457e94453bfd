import type { Request, Response } from 'express';
import { z } from 'zod';
import { contextOf } from '../../context.ts';
import { currentUser } from '../../middleware/auth.ts';
import { flash } from '../../middleware/flash.ts';
import { paths } from '../../paths.ts';
import { actorOf } from '../../services/accounts/audit.ts';
import { listActiveCustomerOptions } from '../../services/customers/customers.ts';
import {
  assignUnmatched,
  createCustomerFromUnmatched,
  type AssignOutcome,
} from '../../services/runs/unmatched-assign.ts';
import { listWaitingUnmatched } from '../../services/runs/unmatched.ts';
import { idSchemaWith } from '../../shared/ids.ts';
import { pageCount, pageSchema, parseOrThrow } from '../../shared/validation.ts';

const PAGE_SIZE = 25;
const listQuery = z.object({ page: pageSchema });
const reportField = idSchemaWith('This unmatched run does not exist. Reload the list.');
const assignForm = z.object({
  reportId: reportField,
  customerId: idSchemaWith('Choose a customer from the list.'),
});
const createForm = z.object({ reportId: reportField });

/** Unmatched runs (admins): runs for a customer name that matches no customer and no alias. */
export async function get(req: Request, res: Response): Promise<void> {
  const db = contextOf(req).database.prisma;
  const { page: asked } = parseOrThrow(listQuery, req.query);
  const [{ rows, total, page }, customers] = await Promise.all([
    listWaitingUnmatched(db, { page: asked, pageSize: PAGE_SIZE }),
    listActiveCustomerOptions(db),
  ]);
  res.render('runs/unmatched', {
    title: 'Unmatched runs',
    rows,
    total,
    page,
    pages: pageCount(total, PAGE_SIZE),
    customers,
  });
}

/** "Assign": the report's spelling goes to the chosen customer, with every report spelled so. */
export async function postAssign(req: Request, res: Response): Promise<void> {
  const form = parseOrThrow(assignForm, req.body);
  const outcome = await assignUnmatched(
    contextOf(req).database.prisma,
    actorOf(currentUser(req)),
    form.reportId,
    form.customerId,
  );
  flash(req, { type: 'success', text: outcomeText(outcome) });
  res.redirect(paths.runChecks.unmatched);
}

/** "Create customer "<name>"": the customer as the sender spelled it, then assign. */
export async function postCreateCustomer(req: Request, res: Response): Promise<void> {
  const form = parseOrThrow(createForm, req.body);
  const outcome = await createCustomerFromUnmatched(
    contextOf(req).database.prisma,
    actorOf(currentUser(req)),
    form.reportId,
  );
  flash(req, { type: 'success', text: outcomeText(outcome) });
  res.redirect(paths.runChecks.unmatched);
}

/** Where a refused assignment is reported: back on the list, as a message. */
export const backToList = (): string => paths.runChecks.unmatched;

function outcomeText(o: AssignOutcome): string {
  if (o.assigned === 0) {
    return o.customerName
      ? `The runs for "${o.spelling}" were already assigned to ${o.customerName}.`
      : `The runs for "${o.spelling}" were already assigned.`;
  }
  const runs = `${o.assigned} run${o.assigned === 1 ? '' : 's'}`;
  const alias = o.aliasAdded
    ? ` "${o.spelling}" is now an alias of ${o.customerName ?? 'the customer'}: later runs with it match by themselves.`
    : '';
  return `Assigned ${runs} for "${o.spelling}" to ${o.customerName ?? 'the customer'}; they are on Run Checks now.${alias}`;
}
