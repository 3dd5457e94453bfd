import { z } from 'zod';
import { intish, optionalString } from './wire.ts';
import type { AutotaskEnvironment, AutotaskLogger, AutotaskZone } from './types.ts';

/**
 * Zone discovery. Every Autotask tenant lives in one zone (data centre) with its own API host;
 * `GET {lookup}/V1.0/zoneInformation?user=…` (no credentials) says which. The answer is cached for
 * about 12 hours through a `ZoneCache` and looked up again when a call gets HTTP 401, because
 * tenants do move zones (docs/autotask.md, Zone lookup).
 */

const API_VERSION = 'V1.0';

/** Zone lookup roots per environment. Sandboxes are separate databases found through the same lookup. */
const ZONE_LOOKUP_BASES: Readonly<Record<AutotaskEnvironment, string>> = {
  production: 'https://webservices.autotask.net/ATServicesRest',
  sandbox: 'https://webservices2.autotask.net/ATServicesRest',
};

export const DEFAULT_ZONE_TTL_MS = 12 * 60 * 60 * 1000;

/** Stores the zone of an API username between calls and processes. */
export interface ZoneCache {
  get(username: string): Promise<AutotaskZone | null>;
  set(username: string, zone: AutotaskZone): Promise<void>;
  clear(username: string): Promise<void>;
}

export class InMemoryZoneCache implements ZoneCache {
  private readonly zones = new Map<string, AutotaskZone>();
  get(username: string): Promise<AutotaskZone | null> {
    return Promise.resolve(this.zones.get(username.toLowerCase()) ?? null);
  }
  set(username: string, zone: AutotaskZone): Promise<void> {
    this.zones.set(username.toLowerCase(), zone);
    return Promise.resolve();
  }
  clear(username: string): Promise<void> {
    this.zones.delete(username.toLowerCase());
    return Promise.resolve();
  }
}

/**
 * The full zone lookup URL. `override` may be a REST root (`…/ATServicesRest`), a versioned root
 * (`…/V1.0`) or the full `…/zoneInformation` URL; all three are accepted.
 */
export function zoneLookupUrl(environment: AutotaskEnvironment, username: string, override?: string): string {
  const base = (override?.trim() || ZONE_LOOKUP_BASES[environment]).replace(/\/+$/, '');
  let url: string;
  if (/\/zoneinformation$/i.test(base)) url = base;
  else if (/\/v1\.0$/i.test(base)) url = `${base}/zoneInformation`;
  else url = `${base}/${API_VERSION}/zoneInformation`;
  return `${url}?user=${encodeURIComponent(username)}`;
}

/** `zoneInformation`'s answer: `{zoneName, url, webUrl, ci}`, URLs with trailing slashes. */
export const zoneInformationSchema = z.object({
  zoneName: optionalString,
  url: z.url(),
  webUrl: optionalString,
  ci: intish.nullish(),
});

export function zoneFromAnswer(answer: z.output<typeof zoneInformationSchema>, now: Date): AutotaskZone {
  const apiUrl = withSlash(answer.url).replace(/v1\.0\/$/i, '');
  return {
    zoneName: answer.zoneName ?? new URL(apiUrl).host,
    apiUrl,
    webUrl: answer.webUrl ? withSlash(answer.webUrl) : webUrlFromApiUrl(apiUrl),
    checkedAt: now,
  };
}

/** The versioned API root requests are made against, e.g. `https://webservices3.autotask.net/ATServicesRest/V1.0/`. */
export function apiBaseUrl(zone: AutotaskZone): string {
  return `${withSlash(zone.apiUrl)}${API_VERSION}/`;
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** Only when the lookup gave no webUrl: `webservicesN.autotask.net` serves `wwN.autotask.net`. */
function webUrlFromApiUrl(apiUrl: string): string {
  const u = new URL(apiUrl);
  const m = /^webservices(\d+)\.(.*)$/i.exec(u.hostname);
  return m ? `${u.protocol}//ww${m[1]}.${m[2]}/` : `${u.protocol}//${u.host}/`;
}

export interface ZoneResolver {
  /** The zone to use now: memory, then the cache while fresh, then a lookup. */
  current(): Promise<AutotaskZone>;
  /**
   * A new lookup after `stale` was refused with 401. Concurrent callers share one lookup, and a
   * caller whose stale zone was already replaced gets the replacement without another lookup.
   */
  refresh(stale: AutotaskZone): Promise<AutotaskZone>;
  /** Forgets the zone here and in the cache, so the next call looks it up. */
  forget(): Promise<void>;
}

export function createZoneResolver(options: {
  username: string;
  cache: ZoneCache;
  ttlMs: number;
  lookup: () => Promise<AutotaskZone>;
  logger: AutotaskLogger | undefined;
  now?: () => Date;
}): ZoneResolver {
  const { username, cache, ttlMs, lookup, logger } = options;
  const now = options.now ?? (() => new Date());
  let known: AutotaskZone | null = null;
  let inFlight: Promise<AutotaskZone> | null = null;

  const fresh = (zone: AutotaskZone) => now().getTime() - zone.checkedAt.getTime() < ttlMs;

  // One lookup at a time; everybody who asks meanwhile waits for the same answer.
  const lookUp = (): Promise<AutotaskZone> => {
    inFlight ??= (async () => {
      try {
        const zone = await lookup();
        known = zone;
        try {
          await cache.set(username, zone);
        } catch (e) {
          logger?.warn({ err: errorText(e) }, 'autotask: storing the zone in the cache failed');
        }
        return zone;
      } finally {
        inFlight = null;
      }
    })();
    return inFlight;
  };

  return {
    async current() {
      if (known && fresh(known)) return known;
      if (inFlight) return inFlight;
      try {
        const cached = await cache.get(username);
        if (cached && fresh(cached)) {
          known = cached;
          return cached;
        }
      } catch (e) {
        logger?.warn({ err: errorText(e) }, 'autotask: reading the zone cache failed; looking the zone up');
      }
      return lookUp();
    },
    async refresh(stale) {
      if (inFlight) return inFlight;
      if (known && known.checkedAt.getTime() > stale.checkedAt.getTime()) return known;
      logger?.info({ zone: stale.zoneName }, 'autotask: authentication refused; looking the zone up again');
      return lookUp();
    },
    async forget() {
      known = null;
      try {
        await cache.clear(username);
      } catch (e) {
        logger?.warn({ err: errorText(e) }, 'autotask: clearing the zone cache failed');
      }
    },
  };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
