// Where a scenario's story sits on the real calendar when it is served as a sandbox (`upwatch sim`).
import { addDays, daysBetween } from '../core/clock.js';
import { UpwatchError } from '../core/errors.js';
import type { Scenario } from './scenario.js';

/** Days the sandbox starts behind the real calendar by default (the days it can play before it catches up). */
export const SANDBOX_DEFAULT_BEHIND_DAYS = 56;
/**
 * The farthest back a sandbox may start. A poller asks for `lookbackDays` up to its real today, and Graph refuses
 * windows over 90 days: a start further back would leave the sandbox's newest days outside any window.
 */
export const SANDBOX_MAX_BEHIND_DAYS = 85;
/** The `lookbackDays` a contract needs to see the sandbox's days from the real today (within Graph's 90 days). */
export const SANDBOX_LOOKBACK_DAYS = 89;

/** A scenario moved onto the real calendar, and where the sandbox's clock starts. */
export interface SandboxAnchor {
  /** The scenario with its `startDate` moved by whole weeks. */
  scenario: Scenario;
  /** Story day (clock day) the sandbox starts at. */
  storyDay: number;
  /** The sandbox's today at the start (UTC date). */
  simToday: string;
  /** Whole days the sandbox starts behind the real today. */
  behindDays: number;
}

/**
 * Move a scenario by whole weeks so that its `sandboxStartDay` falls on `start` or at most six days before it
 * (whole weeks keep each story day on its weekday, so the values and what upwatch concludes from them are the
 * same whatever the real date). `today` is the real UTC date; `start` defaults to
 * {@link SANDBOX_DEFAULT_BEHIND_DAYS} days before it.
 *
 * @example
 * anchorScenario(meta2024, '2026-12-07').simToday // '2026-10-07' (a Wednesday, like story day 64)
 */
export function anchorScenario(scenario: Scenario, today: string, start?: string): SandboxAnchor {
  const wanted = start ?? addDays(today, -SANDBOX_DEFAULT_BEHIND_DAYS);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(wanted) || Number.isNaN(Date.parse(wanted))) {
    throw new UpwatchError('USAGE', `--start must be a date YYYY-MM-DD (got "${wanted}")`);
  }
  const storyDay = scenario.sandboxStartDay ?? 0;
  const weeks = Math.floor(daysBetween(addDays(scenario.startDate, storyDay), wanted) / 7);
  const startDate = addDays(scenario.startDate, weeks * 7);
  const simToday = addDays(startDate, storyDay);
  const behindDays = daysBetween(simToday, today);
  if (daysBetween(wanted, today) < 0) {
    throw new UpwatchError('USAGE', `--start ${wanted} is after today (${today})`, {
      hint: 'the sandbox runs behind the real calendar and catches up: start it in the past',
    });
  }
  if (behindDays > SANDBOX_MAX_BEHIND_DAYS) {
    throw new UpwatchError(
      'USAGE',
      `--start ${wanted} is too far back: the sandbox would start ${behindDays} days behind today`,
      {
        hint:
          `start at most ${SANDBOX_MAX_BEHIND_DAYS - 6} days back (a poller's window is at most ` +
          `${SANDBOX_LOOKBACK_DAYS} days)`,
      },
    );
  }
  return { scenario: { ...scenario, startDate }, storyDay, simToday, behindDays };
}
