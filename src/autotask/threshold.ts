import { z } from 'zod';
import type { AutotaskHttp } from './http.ts';
import type { ThresholdInfo } from './types.ts';
import { intish, parseAnswer } from './wire.ts';

/** `ThresholdInformation`: the tenant's hourly request budget. Cheap and authenticated, so also the connection test. */

const thresholdWire = z
  .object({
    externalRequestThreshold: intish,
    requestThresholdTimeframe: intish,
    currentTimeframeRequestCount: intish,
  })
  .transform((t): ThresholdInfo => ({
    requestLimit: t.externalRequestThreshold,
    timeframeMinutes: t.requestThresholdTimeframe,
    currentCount: t.currentTimeframeRequestCount,
  }));

export async function getThresholdInformation(http: AutotaskHttp, operation = 'threshold.get'): Promise<ThresholdInfo> {
  const path = 'ThresholdInformation';
  const data = await http.send({ operation, method: 'GET', path, read: true });
  return parseAnswer(thresholdWire, data, { operation, method: 'GET', path, read: true });
}
