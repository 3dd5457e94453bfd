import { z } from 'zod';
import { cond } from './conditions.ts';
import type { ConnectWiseHttp } from './http.ts';
import { listAll, listByIds, MAX_PAGE_SIZE } from './paging.ts';
import type { Company } from './types.ts';
import { booleanish, intish, optionalString, parseAnswer, reference, validId } from './wire.ts';

/**
 * Companies: search by name, get one, get many. Only read, never written. ConnectWise has no active
 * flag on a company; deleted ones stay readable with `deletedFlag` (docs/connectwise.md, Companies).
 */

const PATH = 'company/companies';

const COMPANY_FIELDS: readonly string[] = ['id', 'identifier', 'name', 'status/id', 'status/name', 'deletedFlag'];

const companyWire = z
  .object({
    id: intish,
    identifier: optionalString,
    name: z.string(),
    status: reference,
    deletedFlag: booleanish(false),
  })
  .transform((c): Company => ({
    id: c.id,
    identifier: c.identifier,
    name: c.name,
    statusId: c.status.id,
    statusName: c.status.name,
    deleted: c.deletedFlag,
  }));

export interface CompanySearchOptions {
  /** Include deleted companies. Default false: tickets cannot go to them. */
  readonly includeDeleted?: boolean;
  /** At most this many results (1–1000). Default 25. */
  readonly limit?: number;
}

/**
 * Companies whose name contains `name`, by name. Quote characters and backslashes in `name` are left
 * out of the search (`cond.contains`), so such a search finds a few more companies, never fewer.
 */
export async function searchCompanies(
  http: ConnectWiseHttp,
  name: string,
  options: CompanySearchOptions = {},
): Promise<Company[]> {
  const limit = Math.min(Math.max(1, Math.trunc(options.limit ?? 25)), MAX_PAGE_SIZE);
  return listAll(http, {
    operation: 'companies.search',
    path: PATH,
    conditions: cond.and(options.includeDeleted ? null : cond.eq('deletedFlag', false), cond.contains('name', name)),
    orderBy: 'name asc',
    fields: COMPANY_FIELDS,
    item: companyWire,
    pageSize: limit,
    maxItems: limit,
  });
}

/** One company by id. Throws `ConnectWiseNotFoundError` when ConnectWise has none. */
export async function getCompany(http: ConnectWiseHttp, id: number): Promise<Company> {
  const operation = 'companies.get';
  const path = `${PATH}/${validId(id, 'company')}`;
  const answer = await http.send({
    operation,
    method: 'GET',
    path,
    query: { fields: COMPANY_FIELDS.join(',') },
    read: true,
  });
  return parseAnswer(companyWire, answer.data, { operation, method: 'GET', path, read: true });
}

/** Companies for many ids, deleted or not, in batches (`paging.ts`); ids ConnectWise does not return are absent. */
export async function getCompanies(http: ConnectWiseHttp, ids: readonly number[]): Promise<Company[]> {
  return listByIds(http, {
    operation: 'companies.getMany',
    path: PATH,
    ids: ids.map((id) => validId(id, 'company')),
    fields: COMPANY_FIELDS,
    item: companyWire,
  });
}
