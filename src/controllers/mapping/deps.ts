import type { Request } from 'express';
import { contextOf } from '../../context.ts';
import { getIntegrationSettings } from '../../services/integration/settings.ts';
import type { MappingDeps } from '../../services/mapping/map-customer.ts';

/**
 * The Autotask client for an admin's mapping action, built from the saved settings. Throws a
 * RuleError (shown in the page, with a link to the settings) when no credentials are configured.
 */
export async function mappingDepsOf(req: Request): Promise<MappingDeps> {
  const { database, autotask } = contextOf(req);
  const db = database.prisma;
  return { db, client: autotask.client(await getIntegrationSettings(db)) };
}
