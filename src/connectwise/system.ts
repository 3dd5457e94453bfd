import { z } from 'zod';
import type { ConnectWiseHttp } from './http.ts';
import type { SystemInfo } from './types.ts';
import { optionalBoolean, optionalString, parseAnswer } from './wire.ts';

/** `GET system/info`: cheap and authenticated, so also the connection test (docs/connectwise.md, Connection test). */

const systemInfoWire = z
  .object({
    version: optionalString,
    isCloud: optionalBoolean,
    serverTimeZone: optionalString,
    cloudRegion: optionalString,
  })
  .transform((i): SystemInfo => ({
    version: i.version,
    isCloud: i.isCloud,
    serverTimeZone: i.serverTimeZone,
    cloudRegion: i.cloudRegion,
  }));

export async function getSystemInfo(http: ConnectWiseHttp, operation = 'system.info'): Promise<SystemInfo> {
  const path = 'system/info';
  const answer = await http.send({ operation, method: 'GET', path, read: true });
  return parseAnswer(systemInfoWire, answer.data, { operation, method: 'GET', path, read: true });
}
