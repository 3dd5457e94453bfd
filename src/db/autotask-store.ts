import type { ApiCallEntry, ApiCallRecorder, AutotaskZone, ZoneCache } from '../autotask/client.ts';
import type { Db } from './database.ts';

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
  const sameUser = (saved: string | null, username: string) =>
    saved !== null && saved.trim().toLowerCase() === username.trim().toLowerCase();
  return {
    async get(username) {
      const row = await db.integrationSettings.findUnique({
        where: { id: SETTINGS_ID },
        select: { apiUsername: true, zoneName: true, zoneApiUrl: true, zoneWebUrl: true, zoneCheckedAt: true },
      });
      if (!row || !sameUser(row.apiUsername, username)) return null;
      if (!row.zoneApiUrl || !row.zoneWebUrl || !row.zoneCheckedAt) return null;
      return {
        zoneName: row.zoneName ?? '',
        apiUrl: row.zoneApiUrl,
        webUrl: row.zoneWebUrl,
        checkedAt: row.zoneCheckedAt,
      } satisfies AutotaskZone;
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

/** Writes ApiCallLog rows; texts are capped so one odd answer cannot bloat the table. */
export function createDbApiCallRecorder(db: Db): ApiCallRecorder {
  return {
    async record(entry: ApiCallEntry) {
      await db.apiCallLog.create({
        data: {
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
