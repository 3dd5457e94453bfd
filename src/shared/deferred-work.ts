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

/** Resolves when all deferred work (including work started meanwhile) has finished. */
export async function settleDeferredWork(): Promise<void> {
  while (running.size > 0) await Promise.allSettled([...running]);
}
