import { describe, expect, it } from 'vitest';
import { endTimeOfDay, pacificDay, pacificMidnight } from './pacific-time.js';

describe('Pacific midnight', () => {
  it.each([
    // PST (UTC−8) and PDT (UTC−7), including both switch days of 2023 and 2024.
    ['2024-01-15', '2024-01-15T08:00:00.000Z'],
    ['2024-03-10', '2024-03-10T08:00:00.000Z'], // spring forward at 02:00: midnight is still PST
    ['2024-03-11', '2024-03-11T07:00:00.000Z'],
    ['2024-07-04', '2024-07-04T07:00:00.000Z'],
    ['2024-11-03', '2024-11-03T07:00:00.000Z'], // fall back at 02:00: midnight is still PDT
    ['2024-11-04', '2024-11-04T08:00:00.000Z'],
    ['2023-11-05', '2023-11-05T07:00:00.000Z'],
  ])('%s starts at %s', (day, utc) => {
    expect(pacificMidnight(day).toISOString()).toBe(utc);
  });

  it.each([
    ['2024-03-09', '2024-03-10T08:00:00+0000'],
    ['2024-03-10', '2024-03-11T07:00:00+0000'],
    ['2024-11-02', '2024-11-03T07:00:00+0000'],
    ['2024-11-03', '2024-11-04T08:00:00+0000'],
  ])('the value for %s ends at %s (Meta end_time format)', (day, endTime) => {
    expect(endTimeOfDay(day)).toBe(endTime);
  });

  it('reads the Pacific calendar day of an instant', () => {
    expect(pacificDay(new Date('2024-03-11T06:59:59Z'))).toBe('2024-03-10');
    expect(pacificDay(new Date('2024-03-11T07:00:00Z'))).toBe('2024-03-11');
  });
});
