// Keeps a long in-process job's heap near what it really holds, through V8's own collector: a tighter growth factor
// for the old generation and no allocation-site pretenuring while the job runs, then V8's defaults again.
import { setFlagsFromString } from 'node:v8';

/** Where boundHeapGrowth reads the user's own setting and writes its own (the process by default; tests pass theirs). */
export interface HeapGrowthHost {
  /** Flags node was started with (`process.execArgv`; NODE_OPTIONS refuses these V8 flags). */
  execArgv: readonly string[];
  /** Sets a V8 flag (`v8.setFlagsFromString`). */
  setFlags: (flags: string) => void;
}

const processHost: HeapGrowthHost = {
  execArgv: process.execArgv,
  setFlags: setFlagsFromString,
};

const GROWTH = '--heap-growing-percent';
const PRETENURING = 'allocation-site-pretenuring';

/** What the holders of one host hold: how many, the tightest percent, and which settings this module changed. */
interface Hold {
  count: number;
  percent: number;
  growth: boolean;
  pretenuring: boolean;
}
const holders = new WeakMap<HeapGrowthHost, Hold>();

/**
 * While held (until the returned function is called), for every heap in this process (worker threads' too):
 *
 * - The old generation grows by `percent` % of what its last full collection kept; V8 on its own chooses up to 4×
 *   for a fast-allocating job. A backtest's days each leave their grids, fits and slices behind, promoted before
 *   they die (they live through the day's detection pass), so V8 let the heap of a 1 M-row replay reach three or
 *   four times what the replay holds. With 100 % its incremental, concurrent collections keep the heap near twice
 *   the live size.
 * - Allocation-site pretenuring is off. V8 allocates straight into the old generation the objects of a site whose
 *   objects mostly survived their first collections; a day's objects survive a few young collections and then all
 *   die, and on some runs V8 took them for long-lived: the old generation then filled six times faster, a full
 *   collection came every second and each young one took twice as long (one 1 M-row backtest in three: 21 s
 *   instead of 18 s). With pretenuring off, every run took the fast path (17.4–18.3 s in sixteen runs).
 *
 * This replaced forced full collections between days (`gc()`): a forced collection between two days finds every
 * object of the day dead, and V8 threw away the optimized code of each detector function that had embedded one
 * (859 "weak objects" deoptimizations and 26 s of recompiling in one 1 M-row run). V8's own collections run in the
 * middle of a day and discard almost nothing.
 *
 * Leaves a setting alone when the user gave it on node's command line (NODE_OPTIONS refuses both), and when the
 * runtime refuses to change it. Nested and concurrent holders share the tightest percent asked for; V8's defaults
 * come back when the last one lets go.
 *
 * @example
 * const release = boundHeapGrowth(100); try { replay(); } finally { release(); }
 */
export function boundHeapGrowth(percent: number, host: HeapGrowthHost = processHost): () => void {
  const held = holders.get(host);
  const tighter = Math.min(held?.percent ?? Infinity, Math.max(1, Math.round(percent)));
  let hold: Hold;
  if (held) {
    if (held.growth) trySet(host, `${GROWTH}=${tighter}`);
    hold = { ...held, count: held.count + 1, percent: tighter };
  } else {
    const growth = !userSets(host, GROWTH) && trySet(host, `${GROWTH}=${tighter}`);
    const pretenuring = !userSetsPretenuring(host) && trySet(host, `--no-${PRETENURING}`);
    if (!growth && !pretenuring) return () => {};
    hold = { count: 1, percent: tighter, growth, pretenuring };
  }
  holders.set(host, hold);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const now = holders.get(host)!;
    if (now.count > 1) {
      holders.set(host, { ...now, count: now.count - 1 });
      return;
    }
    holders.delete(host);
    // 0: V8 computes the factor from its collection and allocation speeds again.
    if (now.growth) trySet(host, `${GROWTH}=0`);
    if (now.pretenuring) trySet(host, `--${PRETENURING}`);
  };
}

/** The user gave `flag` (dashes or underscores) on node's command line. */
function userSets(host: HeapGrowthHost, flag: string): boolean {
  return host.execArgv.some((arg) => arg.replace(/_/g, '-').startsWith(flag));
}

function userSetsPretenuring(host: HeapGrowthHost): boolean {
  return userSets(host, `--${PRETENURING}`) || userSets(host, `--no-${PRETENURING}`);
}

function trySet(host: HeapGrowthHost, flags: string): boolean {
  try {
    host.setFlags(flags);
    return true;
  } catch {
    return false;
  }
}
