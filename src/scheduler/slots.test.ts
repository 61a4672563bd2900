import { describe, expect, it } from 'vitest';
import { slotCalendar } from './slots.js';

describe('slotCalendar.previous', () => {
  it.each([
    ['daily, later the same day', '0 6 * * *', 'UTC', '2026-03-14T09:00:00Z', '2026-03-14T06:00:00.000Z'],
    ['daily, before today’s slot', '0 6 * * *', 'UTC', '2026-03-14T05:59:59Z', '2026-03-13T06:00:00.000Z'],
    ['exactly at the slot', '0 6 * * *', 'UTC', '2026-03-14T06:00:00.400Z', '2026-03-14T06:00:00.000Z'],
    ['zoned daily (CET)', '0 6 * * *', 'Europe/Paris', '2026-03-14T09:00:00Z', '2026-03-14T05:00:00.000Z'],
    ['zoned daily (CEST)', '0 6 * * *', 'Europe/Paris', '2026-07-14T09:00:00Z', '2026-07-14T04:00:00.000Z'],
    [
      'a wall time the DST change skips',
      '30 2 * * *',
      'Europe/Paris',
      '2026-03-29T12:00:00Z',
      '2026-03-28T01:30:00.000Z',
    ],
    ['weekly on Mondays', '0 7 * * 1', 'UTC', '2026-03-14T12:00:00Z', '2026-03-09T07:00:00.000Z'],
    ['every 15 minutes', '*/15 * * * *', 'UTC', '2026-03-14T10:07:30Z', '2026-03-14T10:00:00.000Z'],
    ['with seconds', '*/20 * * * * *', 'UTC', '2026-03-14T10:07:30Z', '2026-03-14T10:07:20.000Z'],
    ['last day of the month', '0 0 L * *', 'UTC', '2026-03-14T12:00:00Z', '2026-02-28T00:00:00.000Z'],
    ['across a year end', '0 9 1 1 *', 'UTC', '2026-03-14T12:00:00Z', '2026-01-01T09:00:00.000Z'],
    // node-cron fires when both the day of month and the day of week match (a Friday the 13th), not either
    [
      'day of month and of week together',
      '0 0 13 * 5',
      'UTC',
      '2026-03-12T12:00:00Z',
      '2026-02-13T00:00:00.000Z',
    ],
    // Chatham moves from +12:45 to +13:45 at 02:45 on 2025-09-28, so that day has no 03:00
    [
      'a skipped wall time in a zone with a 45-minute offset',
      '0 3 * * *',
      'Pacific/Chatham',
      '2025-09-27T16:00:00Z',
      '2025-09-26T14:15:00.000Z',
    ],
  ])('%s', (_name, cron, tz, at, expected) => {
    const cal = slotCalendar(cron, tz);
    try {
      expect(cal.previous(new Date(at))?.toISOString()).toBe(expected);
    } finally {
      cal.dispose();
    }
  });

  it('is undefined when the schedule names no slot within the lookback', () => {
    const cal = slotCalendar('0 0 29 2 *', 'UTC');
    expect(cal.previous(new Date('2026-03-14T00:00:00Z'))).toBeUndefined();
    cal.dispose();
  });
});
