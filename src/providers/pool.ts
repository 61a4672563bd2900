// A tiny worker pool: run async tasks with at most `limit` in flight, results in input order.

/**
 * Map `items` through `fn` with bounded concurrency.
 *
 * @example
 * const sizes = await runPool(urls, 4, async (u) => (await get(u)).length);
 */
export async function runPool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
