import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { heapBound } from './heap-bound.js';

describe('heapBound', () => {
  it('collects once the garbage passes its allowance', () => {
    const between = heapBound({ growth: 0, minGarbageMB: 24 });
    const keep: number[][] = [];
    // About 64 MB of garbage: collected.
    for (let i = 0; i < 8_000; i++) keep.push(new Array<number>(1000).fill(i + 0.5));
    keep.length = 0;
    const before = getHeapStatistics().used_heap_size;
    between();
    expect(getHeapStatistics().used_heap_size).toBeLessThan(before - 32 * 1024 * 1024);
  });
});
