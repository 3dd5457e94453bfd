import type { ApiCallEntry, AutotaskZone, ZoneCache } from '../autotask/client.ts';
import type { Db, IntegrationSettings } from './database.ts';

/**
 * The Autotask client's two stores in PostgreSQL: the zone cache (IntegrationSettings.zone*, so
 * every app instance shares one lookup) and the API call log (ApiCallLog).
 */

const SETTINGS_ID = 1;

/**
 * The zone lives on the settings row and belongs to the API username saved there. A lookup for
 * another username (a connection test with unsaved credentials) is neither read from nor written
 * to the row, so it cannot displace the zone of the saved user.
 */
export function createDbZoneCache(db: Db): ZoneCache {
  return {
    async get(username) {
      const row = await db.integrationSettings.findUnique({
        where: { id: SETTINGS_ID },
        select: { apiUsername: true, zoneName: true, zoneApiUrl: true, zoneWebUrl: true, zoneCheckedAt: true },
      });
      return row ? zoneOfSettings(row, username) : null;
    },
    async set(username, zone) {
      await db.integrationSettings.updateMany({
        where: { id: SETTINGS_ID, apiUsername: { equals: username.trim(), mode: 'insensitive' } },
        data: {
          zoneName: zone.zoneName,
          zoneApiUrl: zone.apiUrl,
          zoneWebUrl: zone.webUrl,
          zoneCheckedAt: zone.checkedAt,
        },
      });
    },
    async clear() {
      await db.integrationSettings.updateMany({
        where: { id: SETTINGS_ID },
        data: { zoneName: null, zoneApiUrl: null, zoneWebUrl: null, zoneCheckedAt: null },
      });
    },
  };
}

/** The columns of the settings row that hold the cached zone. */
export type ZoneColumns = Pick<
  IntegrationSettings,
  'apiUsername' | 'zoneName' | 'zoneApiUrl' | 'zoneWebUrl' | 'zoneCheckedAt'
>;

const sameUser = (saved: string | null, username: string) =>
  saved !== null && saved.trim().toLowerCase() === username.trim().toLowerCase();

/** The zone the settings row holds for `username`, or null (another user's, or none cached). */
export function zoneOfSettings(row: ZoneColumns, username: string): AutotaskZone | null {
  if (!sameUser(row.apiUsername, username)) return null;
  if (!row.zoneApiUrl || !row.zoneWebUrl || !row.zoneCheckedAt) return null;
  return { zoneName: row.zoneName ?? '', apiUrl: row.zoneApiUrl, webUrl: row.zoneWebUrl, checkedAt: row.zoneCheckedAt };
}

/**
 * The zone cache for one client built from a settings row the caller has just read: its first
 * read is answered from that row instead of reading it again (the client still checks the zone's
 * age). After a lookup or a reset (a zone move, Test connection) every read goes to `cache`.
 */
export function primedZoneCache(cache: ZoneCache, row: ZoneColumns): ZoneCache {
  let primed = true;
  return {
    get(username) {
      if (!primed) return cache.get(username);
      primed = false;
      return Promise.resolve(zoneOfSettings(row, username));
    },
    set(username, zone) {
      primed = false;
      return cache.set(username, zone);
    },
    clear(username) {
      primed = false;
      return cache.clear(username);
    },
  };
}

/** What an ApiCallLog row keeps of a call: the fields the Autotask and ConnectWise clients' entries share. */
export type LoggedApiCall = Pick<
  ApiCallEntry,
  'at' | 'operation' | 'method' | 'path' | 'status' | 'ok' | 'durationMs' | 'error'
>;

/**
 * Writes ApiCallLog rows for one PSA's client; texts are capped so one odd answer cannot bloat the
 * table.
 */
export function createDbApiCallRecorder(
  db: Db,
  psaType: 'autotask' | 'connectwise' = 'autotask',
): { record(entry: LoggedApiCall): Promise<void> } {
  return {
    async record(entry) {
      await db.apiCallLog.create({
        data: {
          psaType,
          at: entry.at,
          operation: cap(entry.operation, 100),
          method: cap(entry.method, 10),
          path: cap(entry.path, 500),
          status: entry.status,
          ok: entry.ok,
          durationMs: entry.durationMs,
          error: entry.error === null ? null : cap(entry.error, 2000),
        },
      });
    },
  };
}

function cap(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
