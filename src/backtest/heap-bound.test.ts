import { describe, expect, it } from 'vitest';
import { boundHeapGrowth, type HeapGrowthHost } from './heap-bound.js';

/** A host that records the flags set instead of changing this process's heap. */
function host(execArgv: string[] = []): HeapGrowthHost & { set: string[] } {
  const set: string[] = [];
  return { execArgv, set, setFlags: (f) => void set.push(f) };
}

describe('boundHeapGrowth', () => {
  it('sets the growth factor while held and gives V8 its own back after', () => {
    const h = host();
    const release = boundHeapGrowth(100, h);
    expect(h.set).toEqual(['--heap-growing-percent=100']);
    release();
    release();
    expect(h.set).toEqual(['--heap-growing-percent=100', '--heap-growing-percent=0']);
  });

  it('keeps the tightest percent until the last holder lets go', () => {
    const h = host();
    const loose = boundHeapGrowth(100, h);
    const tight = boundHeapGrowth(50, h);
    const looser = boundHeapGrowth(200, h);
    expect(h.set).toEqual([
      '--heap-growing-percent=100',
      '--heap-growing-percent=50',
      '--heap-growing-percent=50',
    ]);
    tight();
    loose();
    expect(h.set).toHaveLength(3);
    looser();
    expect(h.set.at(-1)).toBe('--heap-growing-percent=0');
    // A new holder after the last release starts afresh.
    boundHeapGrowth(100, h)();
    expect(h.set.slice(-2)).toEqual(['--heap-growing-percent=100', '--heap-growing-percent=0']);
  });

  it.each([
    ['dashes', ['--max-old-space-size=4096', '--heap-growing-percent=30']],
    ['underscores', ['--heap_growing_percent=30']],
  ])("leaves the setting of a user who chose one on node's command line (%s)", (_name, execArgv) => {
    const h = host(execArgv);
    boundHeapGrowth(100, h)();
    expect(h.set).toEqual([]);
  });

  it('does nothing when the runtime refuses the flag', () => {
    let tries = 0;
    const refusing: HeapGrowthHost = {
      execArgv: [],
      setFlags: () => {
        tries++;
        throw new Error('flags are frozen');
      },
    };
    const release = boundHeapGrowth(100, refusing);
    release();
    expect(tries).toBe(1);
  });
});
