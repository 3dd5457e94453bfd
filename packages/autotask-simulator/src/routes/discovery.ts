/**
 * Discovery and monitoring (docs/autotask.md, Zone lookup). `zoneInformation?user=` answers the zone of an API
 * user — here always this simulator — with `url` and `webUrl` ending in `/`; an unknown or blank
 * user is a 500 with "Zone information could not be determined". `versioninformation` lists
 * V1.0 and V2.0, and V2.0 has no routes (404), as in the real API since 2026: clients must ask for V1.0.
 */
import type { ApiContext, ApiResult } from '../api-context.ts';
import { queryParam } from '../case-insensitive.ts';
import { SimError } from '../errors.ts';

export const ZONE_NOT_DETERMINED = 'Zone information could not be determined';

export function versionInformation(): ApiResult {
  return { body: { apiVersions: ['V1.0', 'V2.0'] } };
}

export function zoneInformation(ctx: ApiContext): ApiResult {
  const user = queryParam(ctx.params, 'user');
  if (!user || !ctx.state.user(user)) throw new SimError(500, ZONE_NOT_DETERMINED);
  return {
    body: {
      zoneName: ctx.state.settings.zoneName,
      url: `${ctx.origin}/ATServicesRest/`,
      webUrl: `${ctx.origin}/`,
      ci: ctx.state.settings.ci,
    },
  };
}

/** `ThresholdInformation`; the call itself is counted before this runs. */
export function thresholdInformation(ctx: ApiContext): ApiResult {
  const { requestThreshold, requestThresholdTimeframeMinutes } = ctx.state.settings;
  return {
    body: {
      externalRequestThreshold: requestThreshold,
      requestThresholdTimeframe: requestThresholdTimeframeMinutes,
      currentTimeframeRequestCount: ctx.state.requestCounter.count(
        ctx.state.now().getTime(),
        requestThresholdTimeframeMinutes * 60_000,
      ),
    },
  };
}
