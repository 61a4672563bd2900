import { describe, expect, it } from 'vitest';
import { isUpwatchError } from '../core/errors.js';
import { alertDefaultsFrom } from './config.js';

describe('alertDefaultsFrom', () => {
  it('reads the alerts object and adds UPWATCH_ALERT_TO recipients', () => {
    expect(
      alertDefaultsFrom(
        {
          alerts: {
            recipients: ['Ops@Example.com'],
            reminderIntervalHours: 12,
            countdownDays: [7, 30, 0, 7],
            resolveAfterGoodPolls: 3,
            quietReopenDays: 0,
          },
        },
        { UPWATCH_ALERT_TO: 'oncall@example.com, ops@example.com' },
      ),
    ).toEqual({
      recipients: ['ops@example.com', 'oncall@example.com'],
      reminderIntervalHours: 12,
      countdownDays: [30, 7, 0],
      resolveAfterGoodPolls: 3,
      quietReopenDays: 0,
    });
    expect(alertDefaultsFrom({}, {})).toEqual({});
  });

  it('reads the digest hour, time zones and the hourly cap', () => {
    expect(
      alertDefaultsFrom(
        {
          alerts: {
            digestHour: 7,
            digestTimezone: 'Europe/Paris',
            recipientTimezones: { 'Ana@Example.com': 'America/New_York' },
            maxImmediatePerHour: 0,
          },
        },
        {},
      ),
    ).toEqual({
      digestHour: 7,
      digestTimezone: 'Europe/Paris',
      recipientTimezones: { 'ana@example.com': 'America/New_York' },
      maxImmediatePerHour: 0,
    });
  });

  it.each([
    [{ alerts: [] }],
    [{ alerts: { reminderIntervalHours: '24' } }],
    [{ alerts: { resolveAfterGoodPolls: 0 } }],
    [{ alerts: { countdownDays: [1.5] } }],
    [{ alerts: { recipients: 'a@b.c' } }],
    [{ alerts: { messageIdHost: 'bad host' } }],
    [{ alerts: { notifyOn: ['critical'] } }],
    [{ alerts: { digestHour: 24 } }],
    [{ alerts: { digestHour: 7.5 } }],
    [{ alerts: { digestTimezone: 'Mars/Olympus' } }],
    [{ alerts: { recipientTimezones: { 'a@b.c': 'CEST+2' } } }],
    [{ alerts: { recipientTimezones: ['UTC'] } }],
    [{ alerts: { maxImmediatePerHour: -1 } }],
  ])('rejects %o with CONFIG_INVALID', (file) => {
    expect(() => alertDefaultsFrom(file, {})).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    try {
      alertDefaultsFrom(file, {});
    } catch (e) {
      expect(isUpwatchError(e, 'CONFIG_INVALID')).toBe(true);
    }
  });
});
