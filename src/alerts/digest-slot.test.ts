import { describe, expect, it } from 'vitest';
import { isTimeZone } from '../core/zoned-time.js';
import { digestSlot } from './digest-slot.js';

describe('digestSlot', () => {
  it.each<[string, number, string, string, string]>([
    ['2026-03-15T08:00:00Z', 8, 'UTC', '2026-03-15', '2026-03-15T08:00:00.000Z'],
    ['2026-03-15T07:59:59Z', 8, 'UTC', '2026-03-14', '2026-03-14T08:00:00.000Z'],
    ['2026-03-15T06:30:00Z', 8, 'Europe/Paris', '2026-03-14', '2026-03-14T07:00:00.000Z'],
    ['2026-03-15T07:00:00Z', 8, 'Europe/Paris', '2026-03-15', '2026-03-15T07:00:00.000Z'],
    // the day after Paris moves to summer time (29 March 2026), 08:00 is 06:00 UTC
    ['2026-03-30T06:00:00Z', 8, 'Europe/Paris', '2026-03-30', '2026-03-30T06:00:00.000Z'],
    ['2026-03-15T02:00:00Z', 20, 'America/New_York', '2026-03-14', '2026-03-15T00:00:00.000Z'],
    ['2026-03-15T00:00:00Z', 0, 'Asia/Kolkata', '2026-03-15', '2026-03-14T18:30:00.000Z'],
  ])('%s, hour %i in %s → %s', (now, hour, tz, day, at) => {
    const slot = digestSlot(new Date(now), hour, tz);
    expect([slot.day, slot.at.toISOString()]).toEqual([day, at]);
  });

  it('knows IANA names and rejects others', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(() => digestSlot(new Date(), 8, 'Mars/Olympus')).toThrow(/unknown time zone/);
  });
});
