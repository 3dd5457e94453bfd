import type { Customer, Db, Prisma } from '../../db/database.ts';
import { RuleError } from '../../errors/catalogue.ts';
import { audit, type Actor } from '../accounts/audit.ts';
import { nameKeyOf } from './customers.ts';

/**
 * Other spellings of a customer's name, as senders of runs write them ("ACME dental bv" for Acme
 * Dental). A spelling is an alias of one customer at most (unique aliasKey, the same key as
 * Customer.nameKey), so a run's customer is never ambiguous. A customer's own name is looked up
 * first: an alias never takes a run away from the customer whose name it is.
 */

export const aliasKeyOf = nameKeyOf;

type Reader = Pick<Db, 'customer' | 'customerAlias'>;

/** The customer a run names, by its name (case does not matter) or else by an alias; null if none. */
export async function findCustomerByNameOrAlias(db: Reader, sentName: string): Promise<Customer | null> {
  const key = nameKeyOf(sentName);
  const byName = await db.customer.findUnique({ where: { nameKey: key } });
  if (byName) return byName;
  const alias = await db.customerAlias.findUnique({ where: { aliasKey: key }, include: { customer: true } });
  return alias?.customer ?? null;
}

export function listAliases(db: Db, customerId: number) {
  return db.customerAlias.findMany({ where: { customerId }, orderBy: { aliasKey: 'asc' } });
}

/**
 * Makes `sentName` an alias of `customer` inside the caller's transaction, unless it is the
 * customer's own name. Refuses (and so rolls the transaction back) when the spelling already
 * names another customer: by its name, because a customer's name always wins and the alias would
 * never be used, or by an alias, because one spelling must lead to one customer.
 */
export async function addAliasInTransaction(
  tx: Prisma.TransactionClient,
  actor: Actor,
  customer: Customer,
  sentName: string,
): Promise<boolean> {
  const key = aliasKeyOf(sentName);
  if (key === customer.nameKey) return false;
  const named = await tx.customer.findUnique({ where: { nameKey: key } });
  if (named) throw spellingTaken(sentName, named.name);
  // ON CONFLICT DO NOTHING: a unique violation would abort the whole transaction on PostgreSQL.
  const { count } = await tx.customerAlias.createMany({
    data: [{ customerId: customer.id, alias: sentName.trim(), aliasKey: key }],
    skipDuplicates: true,
  });
  const alias = await tx.customerAlias.findUniqueOrThrow({ where: { aliasKey: key }, include: { customer: true } });
  if (alias.customerId !== customer.id) throw spellingTaken(sentName, alias.customer.name);
  if (count === 0) return false;
  await audit(tx, actor, {
    action: 'customer.alias_added',
    summary: `Added alias "${alias.alias}" to customer ${customer.name}`,
    targetType: 'customer',
    targetId: customer.id,
    details: { alias: alias.alias },
  });
  return true;
}

function spellingTaken(sentName: string, otherName: string): RuleError {
  return new RuleError(
    `"${sentName.trim()}" already names customer ${otherName}; runs sent with it go there. Assign these runs to ${otherName}, or remove that alias first.`,
  );
}

/**
 * "Remove alias" on a customer's edit page. Removing one that is gone already (a second click)
 * changes nothing and says so. Later runs with that spelling wait under Unmatched runs again.
 */
export async function removeAlias(
  db: Db,
  actor: Actor,
  customer: Customer,
  aliasId: number,
): Promise<{ alias: string } | null> {
  const alias = await db.customerAlias.findFirst({ where: { id: aliasId, customerId: customer.id } });
  if (!alias) return null;
  const { count } = await db.customerAlias.deleteMany({ where: { id: aliasId, customerId: customer.id } });
  if (count === 0) return null;
  await audit(db, actor, {
    action: 'customer.alias_removed',
    summary: `Removed alias "${alias.alias}" from customer ${customer.name}`,
    targetType: 'customer',
    targetId: customer.id,
    details: { alias: alias.alias },
  });
  return { alias: alias.alias };
}
