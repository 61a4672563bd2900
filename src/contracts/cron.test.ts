import cron from 'node-cron';
import { describe, expect, it } from 'vitest';
import { cronProblem } from './cron.js';

const VALID = [
  '0 7 * * *',
  '*/15 * * * *',
  '0 7 * * mon-fri',
  '0 0 1 jan *',
  '0 7 * * 7',
  '0,30 6-18/2 1-15 1,6,12 SUN',
  '  0 7 * * *  ',
];

describe('cronProblem', () => {
  it.each(VALID)('accepts %j, and so does the scheduler (node-cron)', (expr) => {
    expect(cronProblem(expr)).toBeUndefined();
    expect(cron.validate(expr.trim())).toBe(true);
  });

  it.each([
    ['0 25 * * *', 'hour "25" is out of range (0-23)'],
    [
      '0 7 * *',
      'a cron expression has 5 fields (minute hour day-of-month month day-of-week), this one has 4',
    ],
    [
      '0 0 7 * * *',
      'a cron expression has 5 fields (minute hour day-of-month month day-of-week), this one has 6',
    ],
    ['', 'a cron expression has 5 fields (minute hour day-of-month month day-of-week), this one has 0'],
    ['0 7 * * 8', 'day of week "8" is out of range (0-7 or sun-sat)'],
    ['0 7 0 * *', 'day of month "0" is out of range (1-31)'],
    ['0 7 * foo *', 'month "foo" is out of range (1-12 or jan-dec)'],
    ['*/0 * * * *', 'the minute field has an invalid step "/0" (a positive whole number)'],
    ['5-1 * * * *', 'the minute range "5-1" runs backwards'],
    ['5/10 * * * *', 'the minute field uses a step on a single value "5/10" (write a range, e.g. "5-59/10")'],
    ['0 7 ,1 * *', 'the day of month field has an invalid part ""'],
    ['@daily', '"@daily" shortcuts are not supported (write "0 0 * * *")'],
    ['@sometimes', '"@sometimes" is not a cron expression'],
  ])('refuses %j: %s', (expr, reason) => {
    expect(cronProblem(expr)).toBe(reason);
  });
});
