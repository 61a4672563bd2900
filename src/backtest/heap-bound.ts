// Keeps a long in-process job's heap near what it really holds: a full collection between units of work once the
// heap has grown well past the live size measured after the last one.
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** What `heapBound` collects after: garbage of at least this share of the live heap, and at least `minGarbageMB`. */
export interface HeapBoundOptions {
  /** Garbage allowed, as a share of the live heap after the last collection (default 1: the heap may hold as much garbage as live data). */
  growth?: number;
  /** Garbage allowed in any case, in MB (default 64). */
  minGarbageMB?: number;
}

/**
 * A function to call between units of work (a backtest calls it after every replayed day). It runs a full garbage
 * collection when the heap holds more garbage than `growth` × the live size (and `minGarbageMB`). V8 on its own lets
 * the old generation of a day-by-day replay grow to three or four times what the replay keeps (each day's grids,
 * fits and point slices live through the day's detection pass, so they are promoted before they die); collecting
 * between days costs a little CPU and keeps the heap near twice the live size. Returns a no-op when the
 * runtime refuses to hand out its collector.
 *
 * @example
 * const between = heapBound(); for (const day of days) { replay(day); between(); }
 */
export function heapBound(options: HeapBoundOptions = {}): () => void {
  const gc = collector();
  if (!gc) return () => {};
  const growth = options.growth ?? 1;
  const minGarbage = (options.minGarbageMB ?? 64) * 1024 * 1024;
  let live = getHeapStatistics().used_heap_size;
  return () => {
    const used = getHeapStatistics().used_heap_size;
    if (used - live < Math.max(minGarbage, growth * live)) return;
    gc();
    live = getHeapStatistics().used_heap_size;
  };
}

/** The runtime's full collection (`--expose-gc` for one new context only, then switched off again). */
function collector(): (() => void) | undefined {
  const exposed = typeof (globalThis as { gc?: unknown }).gc === 'function';
  if (exposed) return (globalThis as unknown as { gc: () => void }).gc;
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    setFlagsFromString('--no-expose-gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}
