import { describe, expect, it } from 'vitest';
import { defaultWorkers } from './backtest.js';

describe('backtest --workers default', () => {
  it.each([
    [1, 1],
    [2, 1],
    [3, 1],
    [4, 2],
    [8, 4],
    [17, 8],
  ])('%i cores: %i replay threads (one per two cores, at least one)', (cores, threads) => {
    expect(defaultWorkers(cores)).toBe(threads);
  });
});
