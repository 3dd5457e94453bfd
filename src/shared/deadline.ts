/**
 * `work`'s outcome, or `onTimeout` once `ms` have passed, whichever comes first. `work` goes on
 * after the deadline (a late answer may still be stored for the next page); only the wait ends.
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
