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
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { ApiContext, ApiResult } from '../api-context.ts';
import { authenticate, checkPermission, header } from '../auth.ts';
import { CwError, serverError, tooManyRequests } from '../errors.ts';
import { sleep, type FaultRule, type Faults } from '../faults.ts';
import { classify } from '../paths.ts';
import type { RequestLogEntry } from '../request-log.ts';
import type { ConnectWiseState } from '../store.ts';
import { dispatch } from './dispatch.ts';

export interface ApiRuntime {
  faults: Faults;
  /** Overrides the origin taken from the Host header when building absolute URLs. */
  publicOrigin?: string | undefined;
}

const MAX_BODY_BYTES = 5 * 1024 * 1024;

export function apiHandler(state: ConnectWiseState, runtime: ApiRuntime) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const url = new URL(req.originalUrl, 'http://simulator.invalid');
    const prefix = `/${state.settings.codebase}/apis/3.0/`.toLowerCase();
    const path = url.pathname.toLowerCase();
    if (!path.startsWith(prefix) && `${path}/` !== prefix) {
      next();
      return;
    }
    const origin = originOf(req, runtime);
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
  res.on('close', () => {
    if (entry.outcome === 'pending') entry.outcome = res.writableFinished ? 'answered' : 'aborted';
  });
  try {
    const body = await readJsonBody(req);
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

/** Fault, latency, handler, and the way the answer leaves (or does not). */
async function run(
  runtime: ApiRuntime,
  ctx: ApiContext,
  req: Request,
  res: Response,
  entry: RequestLogEntry,
): Promise<void> {
  const fault = runtime.faults.take(ctx.method, ctx.route.resource);
  const completed = await sleep(runtime.faults.latencyFor(ctx.route.resource), runtime.faults.shutdownSignal);
  if (!completed) {
    req.socket.destroy();
    return;
  }
  const early = fault ? faultResponse(fault) : null;
  if (early) {
    send(res, entry, ctx.state, early);
    return;
  }
  if (fault?.kind === 'hang' && !fault.afterApply) {
    hang(runtime, req, entry);
    return;
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
    entry.status = result.status ?? 200;
    hang(runtime, req, entry);
    return;
  }
  send(res, entry, ctx.state, result);
}

function faultResponse(fault: FaultRule): ApiResult | null {
  if (fault.kind === 'rateLimit') return errorResult(tooManyRequests(fault.message, fault.retryAfterSeconds));
  if (fault.kind !== 'fail') return null;
  if (fault.body === 'empty') return { status: fault.status, body: RAW_EMPTY };
  if (fault.body === 'text') return { status: fault.status, body: new RawText(fault.text) };
  return { status: fault.status, body: fault.body === 'json' ? fault.json : fault.error };
}

/** Marker bodies for faults that must not be JSON. */
const RAW_EMPTY = Symbol('empty body');
class RawText {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/** Never answers; the socket stays open until the client gives up or the simulator closes. */
function hang(runtime: ApiRuntime, req: Request, entry: RequestLogEntry): void {
  entry.outcome = 'hung';
  runtime.faults.trackHung(req.socket);
}

function errorResult(error: unknown): ApiResult {
  const cw = error instanceof CwError ? error : serverError(error instanceof Error ? error.message : String(error));
  return { status: cw.status, body: cw.body, headers: cw.headers };
}

function send(res: ServerResponse, entry: RequestLogEntry, state: ConnectWiseState, result: ApiResult): void {
  const status = result.status ?? 200;
  entry.status = status;
  if (res.headersSent || res.destroyed || !res.socket || res.socket.destroyed) {
    // The client left first; record what it would have got.
    entry.outcome = 'aborted';
    return;
  }
  entry.outcome = 'answered';
  res.statusCode = status;
  res.setHeader('api-current-version', state.settings.apiVersion);
  res.setHeader('x-cw-request-id', randomUUID());
  res.setHeader('Cache-Control', 'no-cache');
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

/** The body as JSON; malformed JSON is a 400 (ConnectWise's wording for it is not known: docs/connectwise.md). */
function readJsonBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new CwError(413, { code: 'RequestTooLarge', message: 'The request body is too large.' }));
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
        reject(new CwError(400, { code: 'InvalidObject', message: 'The request body is not valid JSON.' }));
      }
    });
  });
}

function originOf(req: Request, runtime: ApiRuntime): string {
  if (runtime.publicOrigin) return runtime.publicOrigin.replace(/\/+$/, '');
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}
