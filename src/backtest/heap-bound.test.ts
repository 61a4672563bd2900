import { describe, expect, it } from 'vitest';
import { boundHeapGrowth, type HeapGrowthHost } from './heap-bound.js';

/** A host that records the flags set instead of changing this process's heap. */
function host(execArgv: string[] = []): HeapGrowthHost & { set: string[] } {
  const set: string[] = [];
  return { execArgv, set, setFlags: (f) => void set.push(f) };
}

const OFF = '--no-allocation-site-pretenuring';
const ON = '--allocation-site-pretenuring';

describe('boundHeapGrowth', () => {
  it('sets the growth factor and turns pretenuring off while held, and gives V8 its own back after', () => {
    const h = host();
    const release = boundHeapGrowth(100, h);
    expect(h.set).toEqual(['--heap-growing-percent=100', OFF]);
    release();
    release();
    expect(h.set).toEqual(['--heap-growing-percent=100', OFF, '--heap-growing-percent=0', ON]);
  });

  it('keeps the tightest percent, and pretenuring off, until the last holder lets go', () => {
    const h = host();
    const loose = boundHeapGrowth(100, h);
    const tight = boundHeapGrowth(50, h);
    const looser = boundHeapGrowth(200, h);
    expect(h.set).toEqual([
      '--heap-growing-percent=100',
      OFF,
      '--heap-growing-percent=50',
      '--heap-growing-percent=50',
    ]);
    tight();
    loose();
    expect(h.set).toHaveLength(4);
    looser();
    expect(h.set.slice(-2)).toEqual(['--heap-growing-percent=0', ON]);
    // A new holder after the last release starts afresh.
    boundHeapGrowth(100, h)();
    expect(h.set.slice(-4)).toEqual(['--heap-growing-percent=100', OFF, '--heap-growing-percent=0', ON]);
  });

  it.each([
    ['dashes', ['--max-old-space-size=4096', '--heap-growing-percent=30']],
    ['underscores', ['--heap_growing_percent=30']],
  ])("leaves the growth factor of a user who chose one on node's command line (%s)", (_name, execArgv) => {
    const h = host(execArgv);
    boundHeapGrowth(100, h)();
    expect(h.set).toEqual([OFF, ON]);
  });

  it.each([
    ['on', ['--allocation-site-pretenuring']],
    ['off', ['--no-allocation-site-pretenuring']],
    ['underscores', ['--no_allocation_site_pretenuring']],
  ])("leaves pretenuring to a user who set it on node's command line (%s)", (_name, execArgv) => {
    const h = host(execArgv);
    boundHeapGrowth(100, h)();
    expect(h.set).toEqual(['--heap-growing-percent=100', '--heap-growing-percent=0']);
  });

  it('does nothing when the runtime refuses the flags', () => {
    const tried: string[] = [];
    const refusing: HeapGrowthHost = {
      execArgv: [],
      setFlags: (f) => {
        tried.push(f);
        throw new Error('flags are frozen');
      },
    };
    const release = boundHeapGrowth(100, refusing);
    release();
    // One attempt each; nothing held, so nothing to give back.
    expect(tried).toEqual(['--heap-growing-percent=100', OFF]);
  });
});
