/**
 * The HTTP end of a simulated API call, the same for every PSA: reading the JSON body, waiting out the latency,
 * letting a queued fault hang the call, lose its answer or answer instead of it, and sending the result (or noting
 * that the client left first). What a PSA answers, and in which words, comes from the simulator.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Request } from 'express';
import { sleep } from './faults.ts';
import type { LoggedRequest } from './request-log.ts';

/** What an API handler returns: the pipeline turns it into the HTTP answer. */
export interface ApiResult {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A body for a fault that must not be JSON: nothing at all. */
export const EMPTY_BODY = Symbol('empty body');

/** A body for a fault that must not be JSON: text as HTML, as a proxy in front of the PSA would send. */
export class RawText {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/** The faults as the pipeline uses them (a FaultQueue). */
export interface FaultSource<Rule> {
  take(method: string, scope: string | null): Rule | null;
  latencyFor(scope: string | null): number;
  readonly shutdownSignal: AbortSignal;
  trackHung(socket: Socket): void;
}

export interface FaultedCall<Rule extends { kind: string }> {
  faults: FaultSource<Rule>;
  /** Upper-case HTTP method and the scope the call is fault-matched under. */
  method: string;
  scope: string | null;
  socket: Socket;
  entry: LoggedRequest;
  /** The answer a fault gives instead of the call (a failure, a 429), or null when the call is applied. */
  instead(fault: Rule): ApiResult | null;
  /** Applies the call. */
  apply(): ApiResult;
  /** The answer for an error `apply` threw. */
  errorResult(error: unknown): ApiResult;
  /** The answer to an applied call under a fault that lets it through (default: the call's own). */
  after?(fault: Rule, result: ApiResult): ApiResult;
  /** Log the status a call that hangs after being applied would have got (default: left null). */
  logStatusWhenHung?: boolean;
  send(result: ApiResult): void;
}

/**
 * Fault, latency, handler, and the way the answer leaves (or does not). A client that gives up during the latency
 * does not stop the server: the call is still applied, which is how a slow create becomes an ambiguous outcome.
 */
export async function answerWithFaults<Rule extends { kind: string }>(call: FaultedCall<Rule>): Promise<void> {
  const { faults, entry } = call;
  const fault = faults.take(call.method, call.scope);
  const completed = await sleep(faults.latencyFor(call.scope), faults.shutdownSignal);
  if (!completed) {
    call.socket.destroy();
    return;
  }
  const early = fault ? call.instead(fault) : null;
  if (early) {
    call.send(early);
    return;
  }
  if (fault && isHang(fault) && !fault.afterApply) {
    hang(call);
    return;
  }

  let result: ApiResult;
  try {
    result = call.apply();
  } catch (error) {
    result = call.errorResult(error);
  }

  if (fault?.kind === 'drop') {
    entry.status = result.status ?? 200;
    entry.outcome = 'dropped';
    call.socket.destroy();
    return;
  }
  if (fault && isHang(fault)) {
    if (call.logStatusWhenHung) entry.status = result.status ?? 200;
    hang(call);
    return;
  }
  call.send(fault && call.after ? call.after(fault, result) : result);
}

function isHang(fault: { kind: string }): fault is { kind: 'hang'; afterApply: boolean } {
  return fault.kind === 'hang';
}

/** Never answers; the socket stays open (holding whatever the call holds) until the client or the simulator ends it. */
function hang<Rule extends { kind: string }>(call: FaultedCall<Rule>): void {
  call.entry.outcome = 'hung';
  call.faults.trackHung(call.socket);
}

/**
 * Sends a result and logs its status. `headers` (called only when there is someone to answer) come before the
 * result's own, which may override them.
 */
export function sendResult(
  res: ServerResponse,
  entry: LoggedRequest,
  result: ApiResult,
  headers?: () => Record<string, string>,
): void {
  const status = result.status ?? 200;
  entry.status = status;
  if (res.headersSent || res.destroyed || !res.socket || res.socket.destroyed) {
    // The client left first; record what it would have got.
    entry.outcome = 'aborted';
    return;
  }
  entry.outcome = 'answered';
  res.statusCode = status;
  for (const [name, value] of Object.entries({ ...headers?.(), ...result.headers })) res.setHeader(name, value);
  if (result.body === EMPTY_BODY) {
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

const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** The PSA's errors for a body the simulator will not read. */
export interface BodyErrors {
  tooLarge(): Error;
  invalidJson(): Error;
}

/** The body as JSON (a leading BOM allowed); undefined when there is none. */
export function readJsonBody(req: IncomingMessage, errors: BodyErrors): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(errors.tooLarge());
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
        reject(errors.invalidJson());
      }
    });
  });
}

/** The origin absolute URLs are built from: the configured public one, else the one the client addressed. */
export function requestOrigin(req: Request, publicOrigin: string | undefined): string {
  if (publicOrigin) return publicOrigin.replace(/\/+$/, '');
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}
