/**
 * Work a request starts after its response has been sent (refreshing ticket statuses, settling
 * pending tickets), so pages never wait for Autotask. The set below only tracks promises so that
 * tests, the bench and a graceful shutdown can wait for them: it decides nothing, and losing it
 * (a restart) loses nothing, because the next page view starts the same work again.
 */

const running = new Set<Promise<void>>();

export function deferWork(task: () => Promise<unknown>, onError: (e: unknown) => void): void {
  const done: Promise<void> = Promise.resolve()
    .then(task)
    .then(
      () => undefined,
      (e: unknown) => onError(e),
    )
    .finally(() => running.delete(done));
  running.add(done);
}

/** The part of an HTTP response deferAfterResponse needs (Express's and Node's both have it). */
export interface SentResponse {
  readonly writableFinished: boolean;
  once(event: 'finish' | 'close', listener: () => void): unknown;
}

/**
 * Work to start once `res` has been sent completely ('finish'); none when the client went away
 * first. Tracked from this call on, not from 'finish': a client can hold the whole answer before
 * the server's 'finish' fires (a large page), and settleDeferredWork() must not miss the work that
 * page is about to start. `task` returns nothing when, at that point, there is nothing to do.
 */
export function deferAfterResponse(
  res: SentResponse,
  task: () => Promise<unknown> | undefined,
  onError: (e: unknown) => void,
): void {
  const sent = new Promise<boolean>((resolve) => {
    if (res.writableFinished) return resolve(true);
    res.once('finish', () => resolve(true));
    res.once('close', () => resolve(res.writableFinished));
  });
  deferWork(async () => {
    if (await sent) await task();
  }, onError);
}

/** Resolves when all deferred work (including work started meanwhile) has finished. */
export async function settleDeferredWork(): Promise<void> {
  while (running.size > 0) await Promise.allSettled([...running]);
}
