// Keeps a long in-process job's heap near what it really holds, through V8's own collector: a tighter growth factor
// for the old generation while the job runs, then V8's adaptive default again.
import { setFlagsFromString } from 'node:v8';

/** Where boundHeapGrowth reads the user's own setting and writes its own (the process by default; tests pass theirs). */
export interface HeapGrowthHost {
  /** Flags node was started with (`process.execArgv`; NODE_OPTIONS refuses this V8 flag). */
  execArgv: readonly string[];
  /** Sets a V8 flag (`v8.setFlagsFromString`). */
  setFlags: (flags: string) => void;
}

const processHost: HeapGrowthHost = {
  execArgv: process.execArgv,
  setFlags: setFlagsFromString,
};

const FLAG = '--heap-growing-percent';
/** Jobs holding the bound, per host: the flag goes back to V8's default when the last one lets go. */
const holders = new WeakMap<HeapGrowthHost, { count: number; percent: number }>();

/**
 * Bound the old generation of every heap in this process (worker threads' too) to grow by `percent` % of what its
 * last full collection kept, until the returned function is called; then V8 chooses its factor again (up to 4×
 * for a fast-allocating job). A backtest's days each leave their grids, fits and slices behind, promoted before they
 * die (they live through the day's detection pass), so V8 on its own let the heap of a 1 M-row replay reach three
 * or four times what the replay holds. With 100 % its incremental, concurrent collections keep the heap near twice
 * the live size.
 *
 * This replaced forced full collections between days (`gc()`): a forced collection between two days finds every
 * object of the day dead, and V8 threw away the optimized code of each detector function that had embedded one
 * (859 "weak objects" deoptimizations and 26 s of recompiling in one 1 M-row run, the slow half of a bimodal
 * benchmark). V8's own collections run in the middle of a day and discard almost nothing (8 in the same run).
 *
 * Leaves the flag alone when the user set `--heap-growing-percent` on node's command line (NODE_OPTIONS refuses it),
 * and when the runtime refuses to change it. Nested and concurrent holders share the tightest percent asked for.
 *
 * @example
 * const release = boundHeapGrowth(100); try { replay(); } finally { release(); }
 */
export function boundHeapGrowth(percent: number, host: HeapGrowthHost = processHost): () => void {
  if (userSetsGrowth(host)) return () => {};
  const held = holders.get(host) ?? { count: 0, percent: Infinity };
  const tighter = Math.min(held.percent, Math.max(1, Math.round(percent)));
  if (!trySet(host, `${FLAG}=${tighter}`)) return () => {};
  holders.set(host, { count: held.count + 1, percent: tighter });
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const now = holders.get(host)!;
    if (now.count > 1) {
      holders.set(host, { count: now.count - 1, percent: now.percent });
      return;
    }
    holders.delete(host);
    // 0: V8 computes the factor from its collection and allocation speeds again.
    trySet(host, `${FLAG}=0`);
  };
}

function userSetsGrowth(host: HeapGrowthHost): boolean {
  const given = (arg: string) => arg.replace(/_/g, '-').startsWith(FLAG);
  return host.execArgv.some(given);
}

function trySet(host: HeapGrowthHost, flags: string): boolean {
  try {
    host.setFlags(flags);
    return true;
  } catch {
    return false;
  }
}
