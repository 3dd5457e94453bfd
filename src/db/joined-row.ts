import { Prisma } from './database.ts';

/**
 * Several tables' rows from one SQL statement. Prisma sends one query per relation of a nested
 * `include` (the join strategy needs a preview feature this project does not enable), so a page
 * or click that needs a run with its job, customer, mapping and ticket would cost five statements.
 * A joined query returns them in one, and this module turns its columns back into typed rows.
 *
 * A table's columns are declared once, with the kind of each; `satisfies Columns<Model>` makes
 * the declaration fail to compile when the model gains or loses a column, so the raw SQL never
 * drifts from prisma/schema.prisma unnoticed.
 */

/** How a column travels: enums are cast to text (the raw query cannot read an enum type). */
export type ColumnKind = 'value' | 'enum';
export type Columns<Row> = { readonly [K in keyof Row]-?: ColumnKind };

/** `alias."column" AS "alias.column", …` for the SELECT list of a joined query. */
export function selectColumns(alias: string, columns: Columns<object>): Prisma.Sql {
  const list = Object.entries(columns).map(([name, kind]) => {
    const source = `${alias}."${name}"${kind === 'enum' ? '::text' : ''}`;
    return `${source} AS "${alias}.${name}"`;
  });
  return Prisma.raw(list.join(', '));
}

/**
 * `json_build_object('column', alias."column", …)` for rows aggregated into one JSON column. Only
 * for tables whose columns JSON carries as they are (numbers, strings, booleans, nulls): a date
 * would come back as a string.
 */
export function jsonObject(alias: string, columns: Columns<object>): Prisma.Sql {
  const pairs = Object.entries(columns).map(
    ([name, kind]) => `'${name}', ${alias}."${name}"${kind === 'enum' ? '::text' : ''}`,
  );
  return Prisma.raw(`json_build_object(${pairs.join(', ')})`);
}

/**
 * The row of `alias` in a joined result, or null when a LEFT JOIN found none (its `key` column is
 * null). Values are as the driver returns them: numbers, strings, booleans, Dates, nulls.
 */
export function rowOf<Row>(
  result: Readonly<Record<string, unknown>>,
  alias: string,
  columns: Columns<Row>,
  key: keyof Row & string = 'id' as keyof Row & string,
): Row | null {
  if (result[`${alias}.${key}`] === null || result[`${alias}.${key}`] === undefined) return null;
  const row: Record<string, unknown> = {};
  for (const name of Object.keys(columns)) row[name] = result[`${alias}.${name}`];
  return row as Row;
}
