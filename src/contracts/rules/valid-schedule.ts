// Rule: every source's schedule is a valid five-field cron expression and its timezone a real IANA zone.
import { isPolled } from '../../core/contract.js';
import type { Diagnostic, SourceLocation } from '../../core/diagnostic.js';
import { isTimeZone } from '../../core/zoned-time.js';
import { cronProblem } from '../cron.js';
import { didYouMean } from '../did-you-mean.js';
import { diagnosticAt, fieldLocation, type ContractRule } from './rule.js';

let zones: readonly string[] | undefined;

function knownZones(): readonly string[] {
  zones ??= ['UTC', ...Intl.supportedValuesOf('timeZone')];
  return zones;
}

function scheduleIssue(schedule: string, at: SourceLocation): Diagnostic | undefined {
  const problem = cronProblem(schedule);
  return problem
    ? diagnosticAt(at, {
        severity: 'error',
        code: 'invalid-cron',
        message: `schedule "${schedule}" is not a valid cron expression: ${problem}`,
        hint: 'five fields: minute hour day-of-month month day-of-week, e.g. "0 7 * * *" = 07:00 every day',
      })
    : undefined;
}

function timezoneIssue(timezone: string, at: SourceLocation): Diagnostic | undefined {
  return isTimeZone(timezone)
    ? undefined
    : diagnosticAt(at, {
        severity: 'error',
        code: 'invalid-timezone',
        message: `timezone "${timezone}" is not an IANA time zone`,
        hint:
          didYouMean(timezone, knownZones()) ?? 'use a name such as UTC, Europe/Paris or America/Los_Angeles',
      });
}

/** Invalid cron expressions and unknown time zones are errors, also in a source whose document has other errors. */
export const validSchedule: ContractRule = {
  id: 'valid-schedule',
  check(set, ctx) {
    const out: (Diagnostic | undefined)[] = [];
    for (const s of set.sources) {
      if (isPolled(s)) out.push(scheduleIssue(s.schedule, fieldLocation(ctx, s, ['schedule'])));
      out.push(timezoneIssue(s.timezone, fieldLocation(ctx, s, ['timezone'])));
    }
    for (const s of ctx.salvaged?.sources.values() ?? []) {
      if (s.schedule) out.push(scheduleIssue(s.schedule.value, s.schedule.location));
      if (s.timezone) out.push(timezoneIssue(s.timezone.value, s.timezone.location));
    }
    return out.filter((d): d is Diagnostic => d !== undefined);
  },
};
