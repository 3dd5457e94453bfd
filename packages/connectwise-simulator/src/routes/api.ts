/**
 * The `/{codebase}/apis/3.0/...` pipeline. Order matters and mirrors what a client can observe:
 *
 *   log → body → credentials and clientId (401) → route (404) → security role (403) → rate-limit mode (429)
 *   → one-shot fault → latency → handler → send / drop / hang
 *
 * A client that gives up during the latency does not stop the server: the call is still applied, which is how a slow
 * create becomes an ambiguous outcome. Every answer carries `api-current-version` and `x-cw-request-id`, as
 * ConnectWise's do.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  answerWithFaults,
  EMPTY_BODY,
  RawText,
  readJsonBody,
  requestOrigin,
  sendResult,
  settleOnClose,
} from '@backupchecks/simulator-kit';
import type { NextFunction, Request, Response } from 'express';
import type { ApiContext, ApiResult } from '../api-context.ts';
import { authenticate, checkPermission, header } from '../auth.ts';
import { CwError, serverError, tooManyRequests } from '../errors.ts';
import type { FaultRule, Faults } from '../faults.ts';
import { classify } from '../paths.ts';
import type { RequestLogEntry } from '../request-log.ts';
import type { ConnectWiseState } from '../store.ts';
import { dispatch } from './dispatch.ts';

export interface ApiRuntime {
  faults: Faults;
  /** Overrides the origin taken from the Host header when building absolute URLs. */
  publicOrigin?: string | undefined;
}

/** Malformed JSON is a 400 (ConnectWise's wording for it is not known: docs/connectwise.md). */
const BODY_ERRORS = {
  tooLarge: () => new CwError(413, { code: 'RequestTooLarge', message: 'The request body is too large.' }),
  invalidJson: () => new CwError(400, { code: 'InvalidObject', message: 'The request body is not valid JSON.' }),
};

export function apiHandler(state: ConnectWiseState, runtime: ApiRuntime) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const url = new URL(req.originalUrl, 'http://simulator.invalid');
    const prefix = `/${state.settings.codebase}/apis/3.0/`.toLowerCase();
    const path = url.pathname.toLowerCase();
    if (!path.startsWith(prefix) && `${path}/` !== prefix) {
      next();
      return;
    }
    const origin = requestOrigin(req, runtime.publicOrigin);
    void handle(state, runtime, req, res, new URL(`${url.pathname}${url.search}`, origin));
  };
}

async function handle(
  state: ConnectWiseState,
  runtime: ApiRuntime,
  req: Request,
  res: Response,
  url: URL,
): Promise<void> {
  const method = req.method.toUpperCase();
  const base = `/${state.settings.codebase}/apis/3.0`;
  const route = classify(url.pathname.slice(base.length + 1));
  const entry = state.logRequest({
    method,
    path: url.pathname,
    query: url.search.replace(/^\?/, ''),
    resource: route.resource,
    body: null,
    status: null,
    outcome: 'pending',
    at: state.nowIso(),
    login: null,
    clientId: header(req.headers, 'clientid') ?? null,
  });
  settleOnClose(res, entry);
  try {
    const body = await readJsonBody(req, BODY_ERRORS);
    entry.body = body ?? null;
    const login = authenticate(state, req.headers);
    entry.login = `${login.companyId}+${login.publicKey}`;
    const ctx: ApiContext = {
      state,
      method,
      route,
      body,
      params: url.searchParams,
      headers: req.headers,
      url,
      apiBase: `${url.origin}${base}`,
      member: state.apiMember(),
    };
    if (route.resource !== null) checkPermission(state, route.resource);
    const mode = runtime.faults.rateLimited;
    if (mode) throw tooManyRequests(mode.message, mode.retryAfterSeconds);
    await run(runtime, ctx, req, res, entry);
  } catch (error) {
    send(res, entry, state, errorResult(error));
  }
}

/** Fault, latency, handler, and the way the answer leaves (or does not): the kit's, with ConnectWise's fault answers. */
function run(runtime: ApiRuntime, ctx: ApiContext, req: Request, res: Response, entry: RequestLogEntry): Promise<void> {
  return answerWithFaults<FaultRule>({
    faults: runtime.faults,
    method: ctx.method,
    scope: ctx.route.resource,
    socket: req.socket,
    entry,
    instead: faultResponse,
    apply: () => dispatch(ctx),
    errorResult,
    logStatusWhenHung: true,
    send: (result) => send(res, entry, ctx.state, result),
  });
}

function faultResponse(fault: FaultRule): ApiResult | null {
  if (fault.kind === 'rateLimit') return errorResult(tooManyRequests(fault.message, fault.retryAfterSeconds));
  if (fault.kind !== 'fail') return null;
  if (fault.body === 'empty') return { status: fault.status, body: EMPTY_BODY };
  if (fault.body === 'text') return { status: fault.status, body: new RawText(fault.text) };
  return { status: fault.status, body: fault.body === 'json' ? fault.json : fault.error };
}

function errorResult(error: unknown): ApiResult {
  const cw = error instanceof CwError ? error : serverError(error instanceof Error ? error.message : String(error));
  return { status: cw.status, body: cw.body, headers: cw.headers };
}

/** Every answer carries ConnectWise's version and request id headers. */
function send(res: ServerResponse, entry: RequestLogEntry, state: ConnectWiseState, result: ApiResult): void {
  sendResult(res, entry, result, () => ({
    'api-current-version': state.settings.apiVersion,
    'x-cw-request-id': randomUUID(),
    'Cache-Control': 'no-cache',
  }));
}
