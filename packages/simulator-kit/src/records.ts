/**
 * How the simulators keep records: arrays sorted by id (the PSAs answer in ascending id order), changed in place on
 * reset so references held by tests stay valid, with ids handed out past any a test inserted by hand.
 */

/** A record a control call or a helper names that is not there (the control API answers 404). */
export class NotFoundInStateError extends Error {
  constructor(what: string, id: number) {
    super(`No ${what} with id ${id}.`);
    this.name = 'NotFoundInStateError';
  }
}

/** Replaces the contents of `target` with `items`, keeping the array itself. */
export function replace<T>(target: T[], items: T[]): void {
  target.splice(0, target.length, ...items);
}

export function insertSorted<T extends { id: number }>(list: T[], item: T): void {
  const at = list.findIndex((x) => x.id > item.id);
  if (at === -1) list.push(item);
  else list.splice(at, 0, item);
}

/** The next free id of a collection: past its counter and past any id in `records`; moves the counter on. */
export function nextFreeId<K extends string>(
  counters: Record<K, number>,
  collection: K,
  records: readonly { id: number }[],
): number {
  let id = counters[collection];
  for (const record of records) if (record.id >= id) id = record.id + 1;
  counters[collection] = id + 1;
  return id;
}
