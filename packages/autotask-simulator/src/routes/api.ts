/**
 * The `/ATServicesRest/...` pipeline. Order matters and mirrors what a client can observe:
 *
 *   log → route (404) → [zone/version: no auth] → credentials (401/500) → rate limit (429)
 *   → thread limit (429 or 500) → one-shot fault → latency → handler → send / drop / hang
 *
 * The thread slot is taken before latency and held until the response closes, so slow or hung
 * calls occupy a thread exactly like they would at Autotask (docs/autotask.md, Thread limit).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { ApiContext, ApiResult } from '../api-context.ts';
import { authenticate, header } from '../auth.ts';
import { queryParam } from '../case-insensitive.ts';
import { SimError, methodNotAllowed, noRoute } from '../errors.ts';
import { sleep, type FaultRule, type Faults } from '../faults.ts';
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

const MAX_BODY_BYTES = 5 * 1024 * 1024;

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
  res.on('close', () => {
    if (entry.outcome === 'pending') entry.outcome = res.writableFinished ? 'answered' : 'aborted';
  });

  try {
    const body = await readJsonBody(req);
    entry.body = body ?? loggedSearch(url.searchParams);
    if (route.kind === 'unknown') throw noRoute(`${origin(req, runtime)}${url.pathname}${url.search}`);

    const ctx: ApiContext = {
      state,
      method,
      route,
      body,
      params: url.searchParams,
      origin: origin(req, runtime),
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
    send(res, entry, errorResult(error));
  }
}

/** Fault, latency, handler, and the way the answer leaves (or does not). */
async function run(
  runtime: ApiRuntime,
  ctx: ApiContext,
  entity: string | null,
  req: Request,
  res: Response,
  entry: RequestLogEntry,
): Promise<void> {
  const fault = runtime.faults.take(ctx.method, entity);
  // A client that times out during the latency does not stop the server: the call is still
  // applied, as at Autotask, which is how a slow create becomes an ambiguous outcome.
  const completed = await sleep(runtime.faults.latencyFor(entity), runtime.faults.shutdownSignal);
  if (!completed) {
    req.socket.destroy();
    return;
  }
  if (fault) {
    const early = faultResponse(fault, ctx.state);
    if (early) {
      send(res, entry, early);
      return;
    }
    if (fault.kind === 'hang' && !fault.afterApply) {
      hang(runtime, req, entry);
      return;
    }
  }

  let result: ApiResult;
  try {
    result = dispatch(ctx);
  } catch (error) {
    result = errorResult(error);
  }

  if (fault?.kind === 'drop') {
    entry.status = result.status ?? 200;
    entry.outcome = 'dropped';
    req.socket.destroy();
    return;
  }
  if (fault?.kind === 'hang') {
    hang(runtime, req, entry);
    return;
  }
  // Applied, and refused all the same: the client must look before it sends again.
  if (fault?.kind === 'threadThreshold') result = errorResult(threadLimitError(ctx.state.settings));
  send(res, entry, result);
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
  if (fault.body === 'empty') return { status: fault.status, body: RAW_EMPTY };
  if (fault.body === 'text') return { status: fault.status, body: new RawText(fault.text) };
  return { status: fault.status, body: { errors: fault.errors } };
}

/** Marker bodies for faults that must not be JSON. */
const RAW_EMPTY = Symbol('empty body');
class RawText {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/** Never answers. The thread slot stays taken until the socket closes, as a stuck call would hold an Autotask thread. */
function hang(runtime: ApiRuntime, req: Request, entry: RequestLogEntry): void {
  entry.outcome = 'hung';
  runtime.faults.trackHung(req.socket);
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

function send(res: ServerResponse, entry: RequestLogEntry, result: ApiResult): void {
  const status = result.status ?? 200;
  entry.status = status;
  if (res.headersSent || res.destroyed || !res.socket || res.socket.destroyed) {
    // The client left first; record what it would have got.
    entry.outcome = 'aborted';
    return;
  }
  entry.outcome = 'answered';
  res.statusCode = status;
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
  if (result.body === RAW_EMPTY) {
    res.end();
    return;
  }
  if (result.body instanceof RawText) {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(result.body.text);
    return;
  }
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(result.body));
}

function readJsonBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new SimError(413, 'The request body is too large.'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      const text = Buffer.concat(chunks)
        .toString('utf8')
        .replace(/^\uFEFF/, '');
      if (text.trim() === '') {
        resolve(undefined);
        return;
      }
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new SimError(500, 'The request body is not valid JSON.'));
      }
    });
  });
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

function origin(req: Request, runtime: ApiRuntime): string {
  if (runtime.publicOrigin) return runtime.publicOrigin.replace(/\/+$/, '');
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

function impersonation(req: Request): number | null {
  const value = header(req.headers, 'impersonationresourceid');
  if (value === undefined || !/^\d+$/.test(value.trim())) return null;
  return Number(value);
}
