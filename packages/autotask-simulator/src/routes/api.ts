/**
 * The `/ATServicesRest/...` pipeline. Order matters and mirrors what a client can observe:
 *
 *   log → route (404) → [zone/version: no auth] → credentials (401/500) → rate limit (429)
 *   → thread limit (429 or 500) → one-shot fault → latency → handler → send / drop / hang
 *
 * The thread slot is taken before latency and held until the response closes, so slow or hung
 * calls occupy a thread exactly like they would at Autotask (docs/autotask.md, Thread limit).
 */
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
import { authenticate, header } from '../auth.ts';
import { queryParam } from '../case-insensitive.ts';
import { SimError, methodNotAllowed, noRoute } from '../errors.ts';
import type { FaultRule, Faults } from '../faults.ts';
import { API_ROOT, classify, routeEntity, type ApiRoute } from '../paths.ts';
import type { RequestLogEntry } from '../request-log.ts';
import type { SimulatorState } from '../store.ts';
import { ThreadLimiter, threadLimitError } from '../thread-limit.ts';
import { thresholdInformation, versionInformation, zoneInformation } from './discovery.ts';
import { entityInformation, fields, userDefinedFields } from './metadata.ts';
import { count, getById, next, parseSearch, query } from './query.ts';
import { createTicketNote, listTicketNotes } from './ticket-notes.ts';
import { createTicket, updateTicket } from './tickets.ts';
import { createTimeEntry, deleteTimeEntry } from './time-entries.ts';

export interface ApiRuntime {
  faults: Faults;
  threads: ThreadLimiter;
  /** Overrides the origin taken from the Host header when building absolute URLs. */
  publicOrigin?: string | undefined;
}

/** Autotask's answers to a body the simulator will not read. */
const BODY_ERRORS = {
  tooLarge: () => new SimError(413, 'The request body is too large.'),
  invalidJson: () => new SimError(500, 'The request body is not valid JSON.'),
};

export function apiHandler(state: SimulatorState, runtime: ApiRuntime) {
  return (req: Request, res: Response, nextMiddleware: NextFunction): void => {
    const url = new URL(req.originalUrl, 'http://simulator.invalid');
    if (url.pathname.split('/')[1]?.toLowerCase() !== API_ROOT) {
      nextMiddleware();
      return;
    }
    void handle(state, runtime, req, res, url);
  };
}

async function handle(
  state: SimulatorState,
  runtime: ApiRuntime,
  req: Request,
  res: Response,
  url: URL,
): Promise<void> {
  const method = req.method.toUpperCase();
  const route = classify(url.pathname);
  const entity = routeEntity(route);
  const entry = state.logRequest({
    method,
    path: url.pathname,
    query: url.search.replace(/^\?/, ''),
    entity,
    body: null,
    status: null,
    outcome: 'pending',
    at: state.nowIso(),
    username: header(req.headers, 'username') ?? null,
  });
  settleOnClose(res, entry);

  try {
    const body = await readJsonBody(req, BODY_ERRORS);
    entry.body = body ?? loggedSearch(url.searchParams);
    const origin = requestOrigin(req, runtime.publicOrigin);
    if (route.kind === 'unknown') throw noRoute(`${origin}${url.pathname}${url.search}`);

    const ctx: ApiContext = {
      state,
      method,
      route,
      body,
      params: url.searchParams,
      origin,
      user: null,
      impersonationResourceId: impersonation(req),
    };

    // Zone and version lookups need no credentials, are not thread-limited and not counted.
    if (route.kind === 'zoneInformation' || route.kind === 'versionInformation') {
      await run(runtime, ctx, entity, req, res, entry);
      return;
    }

    ctx.user = authenticate(state, req.headers);
    checkRequestThreshold(state, runtime);

    const key = ThreadLimiter.key(ctx.user.integrationCode, entity ?? '');
    const release = runtime.threads.tryAcquire(key, state.settings.threadLimit);
    if (!release) throw threadLimitError(state.settings);
    res.on('close', release);
    await run(runtime, ctx, entity, req, res, entry);
  } catch (error) {
    sendResult(res, entry, errorResult(error));
  }
}

/** Fault, latency, handler, and the way the answer leaves (or does not): the kit's, with Autotask's fault answers. */
function run(
  runtime: ApiRuntime,
  ctx: ApiContext,
  entity: string | null,
  req: Request,
  res: Response,
  entry: RequestLogEntry,
): Promise<void> {
  // A client that times out during the latency does not stop the server: the call is still
  // applied, as at Autotask, which is how a slow create becomes an ambiguous outcome. A hung call
  // keeps its thread slot until the socket closes, as a stuck call would hold an Autotask thread.
  return answerWithFaults<FaultRule>({
    faults: runtime.faults,
    method: ctx.method,
    scope: entity,
    socket: req.socket,
    entry,
    instead: (fault) => faultResponse(fault, ctx.state),
    apply: () => dispatch(ctx),
    errorResult,
    // Applied, and refused all the same: the client must look before it sends again.
    after: (fault, result) =>
      fault.kind === 'threadThreshold' ? errorResult(threadLimitError(ctx.state.settings)) : result,
    send: (result) => sendResult(res, entry, result),
  });
}

function faultResponse(fault: FaultRule, state: SimulatorState): ApiResult | null {
  if (fault.kind === 'threadThreshold') return fault.afterApply ? null : errorResult(threadLimitError(state.settings));
  return fault.kind === 'rateLimit'
    ? {
        status: 429,
        body: { errors: [fault.message] },
        headers: { 'Retry-After': String(fault.retryAfterSeconds) },
      }
    : fault.kind === 'fail'
      ? failResult(fault)
      : null;
}

function failResult(fault: Extract<FaultRule, { kind: 'fail' }>): ApiResult {
  if (fault.body === 'empty') return { status: fault.status, body: EMPTY_BODY };
  if (fault.body === 'text') return { status: fault.status, body: new RawText(fault.text) };
  return { status: fault.status, body: { errors: fault.errors } };
}

function dispatch(ctx: ApiContext): ApiResult {
  const { route, method } = ctx;
  const allow = (methods: string[], handler: () => ApiResult): ApiResult => {
    if (!methods.includes(method)) throw methodNotAllowed(method);
    return handler();
  };
  switch (route.kind) {
    case 'versionInformation':
      return allow(['GET'], versionInformation);
    case 'zoneInformation':
      return allow(['GET'], () => zoneInformation(ctx));
    case 'thresholdInformation':
      return allow(['GET'], () => thresholdInformation(ctx));
    case 'query':
      return allow(['GET', 'POST'], () => query(ctx, route.entity));
    case 'count':
      return allow(['GET', 'POST'], () => count(ctx, route.entity));
    case 'next':
      return allow(['GET', 'POST'], () => next(ctx, route.entity));
    case 'entityInformation':
      return allow(['GET'], () => entityInformation(ctx, route.entity));
    case 'fields':
      return allow(['GET'], () => fields(ctx, route.entity));
    case 'userDefinedFields':
      return allow(['GET'], () => userDefinedFields(ctx, route.entity));
    case 'byId':
      if (method === 'GET') return getById(ctx, route.entity, route.id);
      // Only TimeEntries of these entities can be deleted; Tickets have no DELETE.
      if (method === 'DELETE' && route.entity.name === 'TimeEntries') return deleteTimeEntry(ctx, route.id);
      throw methodNotAllowed(method);
    case 'ticketNotes':
      if (method === 'POST') return createTicketNote(ctx, route.ticketId);
      if (method === 'GET') return listTicketNotes(ctx, route.ticketId);
      throw methodNotAllowed(method);
    case 'collection':
      return collection(ctx, route);
    case 'unknown':
      throw noRoute(ctx.origin);
  }
}

/** `POST|PATCH|PUT /V1.0/{Entity}`. Company writes are not simulated (the app never writes companies). */
function collection(ctx: ApiContext, route: Extract<ApiRoute, { kind: 'collection' }>): ApiResult {
  const name = route.entity.name;
  if (name === 'Tickets') {
    if (ctx.method === 'POST') return createTicket(ctx);
    if (ctx.method === 'PATCH') return updateTicket(ctx, 'patch');
    if (ctx.method === 'PUT') return updateTicket(ctx, 'put');
  }
  if (name === 'TimeEntries' && ctx.method === 'POST') return createTimeEntry(ctx);
  throw methodNotAllowed(ctx.method);
}

/** Over the rolling-hour threshold (or in rate-limit mode) calls get 429 with Retry-After. */
function checkRequestThreshold(state: SimulatorState, runtime: ApiRuntime): void {
  const mode = runtime.faults.rateLimited;
  if (mode) throw new SimError(429, mode.message, { 'Retry-After': String(mode.retryAfterSeconds) });
  const nowMs = state.now().getTime();
  const windowMs = state.settings.requestThresholdTimeframeMinutes * 60_000;
  if (state.requestCounter.count(nowMs, windowMs) >= state.settings.requestThreshold) {
    const retryAfter = state.requestCounter.secondsUntilSlot(nowMs, windowMs);
    throw new SimError(
      429,
      `The API request threshold of ${state.settings.requestThreshold} requests per ${state.settings.requestThresholdTimeframeMinutes} minutes has been exceeded.`,
      { 'Retry-After': String(retryAfter) },
    );
  }
  state.requestCounter.record(nowMs);
}

function errorResult(error: unknown): ApiResult {
  if (error instanceof SimError) {
    return { status: error.status, body: { errors: error.errors }, headers: error.headers };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: { errors: [message] } };
}

/** GET queries log their parsed `search`, so tests read the query the same way for GET and POST. */
function loggedSearch(params: URLSearchParams): unknown {
  const search = queryParam(params, 'search');
  if (search === undefined) return null;
  try {
    return parseSearch(search);
  } catch {
    return search;
  }
}

function impersonation(req: Request): number | null {
  const value = header(req.headers, 'impersonationresourceid');
  if (value === undefined || !/^\d+$/.test(value.trim())) return null;
  return Number(value);
}
