import { describe, expect, it } from 'vitest';
import { closestMatch, didYouMean, editDistance } from './did-you-mean.js';

describe('editDistance', () => {
  it.each([
    ['metircs', 'metrics', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
    ['same', 'same', 0],
    ['page_engaged_userz', 'page_engaged_users', 1],
  ])('%s → %s = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('closestMatch', () => {
  it.each([
    ['metircs', ['name', 'metrics', 'docs'], 'metrics'],
    ['Sauce', ['Source', 'Feature'], 'Source'],
    ['page_engaged_userz', ['page_media_view', 'page_engaged_users'], 'page_engaged_users'],
    ['SCHEDULE', ['schedule'], 'schedule'],
    ['xyz', ['metrics', 'docs'], undefined],
    ['owner', [], undefined],
  ])('%s in %j → %s', (input, candidates, expected) => {
    expect(closestMatch(input, candidates)).toBe(expected);
  });

  it('phrases the suggestion', () => {
    expect(didYouMean('metircs', ['metrics'])).toBe('did you mean "metrics"?');
    expect(didYouMean('zzz', ['metrics'])).toBeUndefined();
  });
});
