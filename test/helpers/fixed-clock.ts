// The one instant every test runs at: a ManualClock for in-process runs, and libfaketime for spawned children.
import { existsSync } from 'node:fs';
import { ManualClock } from '../../src/core/clock.js';

/** The fixed "now" of the test suite: a Thursday morning, far from any Graph version's end of life. */
export const FIXED_NOW = '2026-12-03T10:00:00.000Z';

/** Debian's `faketime` package puts the preload library here. */
export const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

/** True when libfaketime is installed, so a spawned child can be started at a fixed date. */
export const hasFaketime = existsSync(LIBFAKETIME);

/**
 * A ManualClock at FIXED_NOW (or `at`), for CLIs and pipelines run in-process.
 *
 * @example
 * const r = await runCli(['poll'], { ...io, clock: fixedClock() });
 */
export function fixedClock(at: string = FIXED_NOW): ManualClock {
  return new ManualClock(at);
}

/**
 * Environment that starts a spawned Node child at `at` (UTC) through libfaketime: the wall clock begins there
 * and runs on, while the monotonic clock stays real so timers and the event loop behave. Check `hasFaketime`
 * first; without the library the variables do nothing.
 *
 * @example
 * spawnTsx('src/cli/main.ts', ['run'], { ...faketimeEnv(), META_TOKEN: 't' });
 */
export function faketimeEnv(at: string = FIXED_NOW): Record<string, string> {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) throw new Error(`faketimeEnv: not an instant: ${at}`);
  const stamp = d.toISOString().slice(0, 19).replace('T', ' ');
  return {
    LD_PRELOAD: LIBFAKETIME,
    FAKETIME: `@${stamp}`,
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
    TZ: 'UTC',
  };
}

/**
 * The variables of an outer `faketime` run (LD_PRELOAD, FAKETIME*, TZ) that a child must keep to see the same
 * clock as the test process; empty when the suite runs on the real clock.
 *
 * @example
 * spawn(process.execPath, args, { env: { PATH: process.env['PATH'] ?? '', ...inheritedClockEnv() } });
 */
export function inheritedClockEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && (k === 'LD_PRELOAD' || k === 'TZ' || k.startsWith('FAKETIME'))) out[k] = v;
  return out;
}
