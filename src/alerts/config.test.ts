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
          },
        },
        { UPWATCH_ALERT_TO: 'oncall@example.com, ops@example.com' },
      ),
    ).toEqual({
      recipients: ['ops@example.com', 'oncall@example.com'],
      reminderIntervalHours: 12,
      countdownDays: [30, 7, 0],
      resolveAfterGoodPolls: 3,
    });
    expect(alertDefaultsFrom({}, {})).toEqual({});
  });

  it.each([
    [{ alerts: [] }],
    [{ alerts: { reminderIntervalHours: '24' } }],
    [{ alerts: { resolveAfterGoodPolls: 0 } }],
    [{ alerts: { countdownDays: [1.5] } }],
    [{ alerts: { recipients: 'a@b.c' } }],
    [{ alerts: { messageIdHost: 'bad host' } }],
    [{ alerts: { notifyOn: ['critical'] } }],
  ])('rejects %o with CONFIG_INVALID', (file) => {
    expect(() => alertDefaultsFrom(file, {})).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    try {
      alertDefaultsFrom(file, {});
    } catch (e) {
      expect(isUpwatchError(e, 'CONFIG_INVALID')).toBe(true);
    }
  });
});
