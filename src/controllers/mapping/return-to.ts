import type { Request } from 'express';
import { paths } from '../../paths.ts';
import { safeReturnTo } from '../../shared/return-to.ts';

/** Mapping actions start from a Customers page (the list with its filters, or a mapping page). */
const CUSTOMER_PAGES = /^\/customers(?:[/?#]|$)/;

/** Back to the Customers page an action came from, else the Customers list. */
export function backToCustomers(value: unknown): string {
  return safeReturnTo(value, paths.customers.index, CUSTOMER_PAGES);
}

/** `backToCustomers` from a form's or the query's `returnTo`. */
export function backToCustomersOf(req: Request): string {
  const value: unknown = req.method === 'GET' ? req.query['returnTo'] : (req.body as { returnTo?: unknown })?.returnTo;
  return backToCustomers(value);
}
