import type { Request } from 'express';
import { contextOf } from '../../context.ts';
import type { IntegrationSettings } from '../../db/database.ts';
import { autotaskProfile } from '../../psa/autotask/profile.ts';
import type { PsaProfile } from '../../psa/port.ts';
import { getIntegrationSettings } from '../../services/integration/settings.ts';

const readFor = new WeakMap<Request, Promise<IntegrationSettings>>();
const profileFor = new WeakMap<Request, Promise<PsaProfile>>();

/**
 * The Autotask settings row, read once per request: the Autotask badge (`autotask-badge.ts`) reads
 * it for the page's header, and the Autotask settings pages get the same row instead of reading it
 * again. For requests that do not change the settings themselves. Services that work with any PSA
 * take `requestProfile` instead.
 */
export function requestSettings(req: Request): Promise<IntegrationSettings> {
  let settings = readFor.get(req);
  if (!settings) {
    settings = getIntegrationSettings(contextOf(req).database.prisma);
    readFor.set(req, settings);
  }
  return settings;
}

/**
 * The active PSA's profile (src/psa/access.ts), read once per request: the page's controller and
 * the services it calls share one settings row and one client (Autotask's zone is resolved once).
 * For requests that do not change the PSA settings themselves.
 */
export function requestProfile(req: Request): Promise<PsaProfile> {
  let profile = profileFor.get(req);
  if (!profile) {
    profile = readProfile(req);
    profileFor.set(req, profile);
  }
  return profile;
}

/**
 * One PSA is enabled at a time (src/psa/switch.ts), so an enabled Autotask row, which the request
 * reads anyway (`requestSettings`, for the badge), is the answer: no second read of it and none of
 * ConnectWise's row. Otherwise the PSA access decides.
 */
async function readProfile(req: Request): Promise<PsaProfile> {
  const context = contextOf(req);
  const db = context.database.prisma;
  const autotaskRow = await requestSettings(req);
  if (autotaskRow.enabled) return autotaskProfile(autotaskRow, context.autotask, db);
  return context.psa.active(db, autotaskRow);
}
