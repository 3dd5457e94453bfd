/** What an API handler gets and returns; the pipeline in `routes/api.ts` does the HTTP parts. */
import type { ApiRoute } from './paths.ts';
import type { SimulatorState } from './store.ts';
import type { SimUser } from './types.ts';

export interface ApiContext {
  state: SimulatorState;
  /** Upper-case HTTP method. */
  method: string;
  route: ApiRoute;
  /** Parsed JSON body; undefined when the request had none. */
  body: unknown;
  params: URLSearchParams;
  /** `http://host:port` as the client addressed the simulator; absolute URLs are built from it. */
  origin: string;
  /** The authenticated API user; null on the unauthenticated routes (zone and version lookup). */
  user: SimUser | null;
  /** The optional `ImpersonationResourceId` header: the resource a write is done on behalf of. */
  impersonationResourceId: number | null;
}

export type { ApiResult } from '@backupchecks/simulator-kit';

/** The resource a write is attributed to: the impersonated one, else the API user's own. */
export function actingResourceId(ctx: ApiContext): number | null {
  return ctx.impersonationResourceId ?? ctx.user?.resourceId ?? null;
}
