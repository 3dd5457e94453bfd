import type { Request } from 'express';
import { contextOf } from '../../context.ts';
import type { MappingDeps } from '../../services/mapping/map-customer.ts';
import { requestProfile } from '../integration/request-settings.ts';

/**
 * The active PSA and its client for an admin's mapping action, built from the saved settings.
 * Throws a RuleError (shown in the page, with a link to the settings) when no credentials are
 * configured.
 */
export async function mappingDepsOf(req: Request): Promise<MappingDeps> {
  const profile = await requestProfile(req);
  return { db: contextOf(req).database.prisma, profile, client: profile.client() };
}
