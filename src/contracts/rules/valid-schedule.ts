// Rule: every source's schedule is a valid five-field cron expression and its timezone a real IANA zone.
import type { Diagnostic } from '../../core/diagnostic.js';
import { isTimeZone } from '../../core/zoned-time.js';
import { cronProblem } from '../cron.js';
import { didYouMean } from '../did-you-mean.js';
import { diagnosticAt, fieldLocation, type ContractRule } from './rule.js';

let zones: readonly string[] | undefined;

function knownZones(): readonly string[] {
  zones ??= ['UTC', ...Intl.supportedValuesOf('timeZone')];
  return zones;
}

/** Invalid cron expressions and unknown time zones are errors. */
export const validSchedule: ContractRule = {
  id: 'valid-schedule',
  check(set, ctx) {
    const out: Diagnostic[] = [];
    for (const s of set.sources) {
      const problem = cronProblem(s.schedule);
      if (problem) {
        out.push(
          diagnosticAt(fieldLocation(ctx, s, ['schedule']), {
            severity: 'error',
            code: 'invalid-cron',
            message: `schedule "${s.schedule}" is not a valid cron expression: ${problem}`,
            hint: 'five fields: minute hour day-of-month month day-of-week, e.g. "0 7 * * *" = 07:00 every day',
          }),
        );
      }
      if (!isTimeZone(s.timezone)) {
        out.push(
          diagnosticAt(fieldLocation(ctx, s, ['timezone']), {
            severity: 'error',
            code: 'invalid-timezone',
            message: `timezone "${s.timezone}" is not an IANA time zone`,
            hint:
              didYouMean(s.timezone, knownZones()) ??
              'use a name such as UTC, Europe/Paris or America/Los_Angeles',
          }),
        );
      }
    }
    return out;
  },
};
