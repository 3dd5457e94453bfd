import { z } from 'zod';
import type { AutotaskHttp } from './http.ts';
import { filter, queryAll } from './query.ts';
import type { WorkType } from './types.ts';
import { booleanish, intish, optionalString } from './wire.ts';

/**
 * Work Types: the `BillingCodes` whose `useType` is 1 (docs/autotask.md, Work types). A ticket
 * carries one in `billingCodeID`; many tenants require it. Only read, never written.
 */

/** `BillingCodes.useType` of a Work Type (the other use types are materials, expenses and so on). */
export const WORK_TYPE_USE_TYPE = 1;

const workTypeWire = z
  .object({ id: intish, name: optionalString, isActive: booleanish(true) })
  .transform((b): WorkType => ({ id: b.id, name: b.name ?? `Work type ${b.id}`, isActive: b.isActive }));

/**
 * Every Work Type of the tenant, inactive ones included: a saved value that became inactive is
 * then told apart from one that was deleted. What is offered is filtered by the caller.
 */
export async function getWorkTypes(http: AutotaskHttp): Promise<WorkType[]> {
  return queryAll(http, {
    operation: 'billingCodes.workTypes',
    entity: 'BillingCodes',
    body: { filter: [filter.eq('useType', WORK_TYPE_USE_TYPE)] },
    item: workTypeWire,
  });
}
