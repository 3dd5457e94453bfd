import type { Request } from 'express';
import { contextOf } from '../../context.ts';
import type { IntegrationSettings } from '../../db/database.ts';
import { getIntegrationSettings } from '../../services/integration/settings.ts';

const readFor = new WeakMap<Request, Promise<IntegrationSettings>>();

/**
 * The integration settings, read once per request: the Autotask badge (`autotask-badge.ts`) reads
 * them for the page's header, and the page's controller and the services it calls get the same
 * row instead of reading it again. For requests that do not change the settings themselves.
 */
export function requestSettings(req: Request): Promise<IntegrationSettings> {
  let settings = readFor.get(req);
  if (!settings) {
    settings = getIntegrationSettings(contextOf(req).database.prisma);
    readFor.set(req, settings);
  }
  return settings;
}
