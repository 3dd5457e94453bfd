import type { RequestLogEntry, Simulator } from '@backupchecks/autotask-simulator';
import { timerDeadline, type StartDeadline, type WireRequest } from '../../src/autotask/client.ts';

/**
 * The deadlines of the app's Autotask requests, for a test to hold (pass `start` to buildTestApp as
 * `autotaskDeadline`). Until `hold()` every request gets its AUTOTASK_TIMEOUT_MS timer, as in
 * production. After it, new requests get none: the simulator answers them, and one it leaves
 * unanswered ends when the test calls `expire` ("Autotask did not answer in time" at the point the
 * test chooses, e.g. after the simulator applied the request). A wall-clock timer would race the
 * machine instead: on a busy one, requests the test needs answered time out too, and a timeout can
 * fire before the simulator got to the request it was meant to follow.
 */
export interface HeldDeadlines {
  readonly start: StartDeadline;
  /** From now on, requests are given up only by `expire`. */
  hold(): void;
  /** Back to the timers, for requests sent from now on (call it after each test). */
  useTimers(): void;
  /** Gives up the held requests in flight that `match` picks, as their timeout would; how many. */
  expire(match: (request: WireRequest) => boolean): number;
}

export function heldDeadlines(): HeldDeadlines {
  let holding = false;
  const held = new Set<{ readonly request: WireRequest; readonly controller: AbortController }>();
  return {
    start(request, timeoutMs) {
      if (!holding) return timerDeadline(request, timeoutMs);
      const entry = { request, controller: new AbortController() };
      held.add(entry);
      return { signal: entry.controller.signal, clear: () => held.delete(entry) };
    },
    hold: () => (holding = true),
    useTimers: () => (holding = false),
    expire(match) {
      const picked = [...held].filter((e) => match(e.request));
      for (const entry of picked) {
        held.delete(entry);
        entry.controller.abort();
      }
      return picked.length;
    },
  };
}

/** A request to Autotask by method and the path after `V1.0/`, e.g. `('GET', /^Tickets\/\d+$/)`. */
export function autotaskRequest(method: string, path: RegExp): (request: WireRequest) => boolean {
  return (request) => {
    const after = /\/v1\.0\/(.*)$/i.exec(new URL(request.url).pathname)?.[1];
    return request.method === method && after !== undefined && path.test(after);
  };
}

/**
 * Waits until the simulator's request log has an entry `match` accepts (say, a request it applied
 * and left hanging). No time limit of its own: the test's timeout is the limit.
 */
export async function untilLogged(
  sim: Simulator,
  match: (entry: RequestLogEntry) => boolean,
): Promise<RequestLogEntry> {
  for (;;) {
    const found = sim.requestLog.find(match);
    if (found) return found;
    await new Promise<void>((resolve) => setTimeout(resolve, 5));
  }
}
