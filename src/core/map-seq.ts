// Map over a list with an async function, one item after another (store reads that must not overlap in a transaction).

/**
 * `items.map(fn)` for an async `fn`, awaiting each call before the next: a store's reads inside one transaction share
 * one connection, so they are made in order rather than all at once.
 *
 * @example
 * const sources = await mapSeq(statuses, (st) => reportSourceOf(store, contracts, st));
 */
export async function mapSeq<T, R>(
  items: Iterable<T>,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = [];
  let i = 0;
  for (const item of items) out.push(await fn(item, i++));
  return out;
}
