import { z } from 'zod';
import { AutotaskNotFoundError } from './errors.ts';
import type { AutotaskHttp } from './http.ts';
import { filter, MAX_PAGE_SIZE, queryAll, queryByValues, type Filter } from './query.ts';
import type { Company } from './types.ts';
import { booleanish, intish, itemEnvelope, optionalInt, optionalString, parseAnswer, validId } from './wire.ts';

/** Companies: search by name, get one, get many. Companies are only read, never written. */

const companyWire = z
  .object({
    id: intish,
    companyName: z.string(),
    isActive: booleanish(true),
    companyNumber: optionalString,
    companyType: optionalInt,
    phone: optionalString,
    city: optionalString,
  })
  .transform((c): Company => ({
    id: c.id,
    name: c.companyName,
    isActive: c.isActive,
    companyNumber: c.companyNumber,
    companyType: c.companyType,
    phone: c.phone,
    city: c.city,
  }));

export interface CompanySearchOptions {
  /** Include inactive companies. Default false: tickets cannot go to an inactive company. */
  readonly includeInactive?: boolean;
  /** At most this many results (1–500). Default 25. */
  readonly limit?: number;
}

/** Companies whose name contains `name` (Autotask compares case-insensitively), active only unless asked. */
export async function searchCompanies(
  http: AutotaskHttp,
  name: string,
  options: CompanySearchOptions = {},
): Promise<Company[]> {
  const limit = Math.min(Math.max(1, Math.trunc(options.limit ?? 25)), MAX_PAGE_SIZE);
  const filters: Filter[] = [filter.contains('companyName', name.trim())];
  if (!options.includeInactive) filters.push(filter.eq('isActive', true));
  return queryAll(http, {
    operation: 'companies.search',
    entity: 'Companies',
    body: { filter: filters, MaxRecords: limit },
    item: companyWire,
    maxItems: limit,
  });
}

/** One company by id. Throws `AutotaskNotFoundError` when Autotask has none (or does not show it). */
export async function getCompany(http: AutotaskHttp, id: number): Promise<Company> {
  const operation = 'companies.get';
  const path = `Companies/${validId(id, 'company')}`;
  const data = await http.send({ operation, method: 'GET', path, read: true });
  const { item } = parseAnswer(itemEnvelope(companyWire), data, { operation, method: 'GET', path, read: true });
  if (!item)
    throw new AutotaskNotFoundError(
      200,
      [],
      { operation, method: 'GET', path, read: true },
      `Autotask has no company with ID ${id}, or the API user cannot see it.`,
    );
  return item;
}

/** Companies for many ids, in batches of 500; ids Autotask does not return are simply absent. */
export async function getCompanies(http: AutotaskHttp, ids: readonly number[]): Promise<Company[]> {
  return queryByValues(http, {
    operation: 'companies.getMany',
    entity: 'Companies',
    field: 'id',
    values: ids.map((id) => validId(id, 'company')),
    item: companyWire,
  });
}
