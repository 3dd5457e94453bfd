/** What an API handler gets and returns; the pipeline in `routes/api.ts` does the HTTP parts. */
import type { IncomingHttpHeaders } from 'node:http';
import type { ApiRoute } from './paths.ts';
import type { ConnectWiseState } from './store.ts';
import type { Member } from './types.ts';
import type { WireContext } from './wire.ts';

export interface ApiContext extends WireContext {
  state: ConnectWiseState;
  /** Upper-case HTTP method. */
  method: string;
  route: ApiRoute;
  /** Parsed JSON body; undefined when the request had none. */
  body: unknown;
  params: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The request URL, absolute, as the client addressed the simulator (for Link headers). */
  url: URL;
  /** The API member the keys belong to: author of notes and of ticket changes. */
  member: Member;
}

export type { ApiResult } from '@backupchecks/simulator-kit';

/** A query parameter by name in any letter case (ASP.NET binds them that way); the first one wins. */
export function param(params: URLSearchParams, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of params) if (key.toLowerCase() === wanted) return value;
  return undefined;
}
