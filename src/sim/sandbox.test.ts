import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, daysBetween, ManualClock } from '../core/clock.js';
import { UpwatchError } from '../core/errors.js';
import { anchorScenario, SANDBOX_DEFAULT_BEHIND_DAYS, SANDBOX_MAX_BEHIND_DAYS } from './sandbox-anchor.js';
import { LaggingClock } from './sandbox-clock.js';
import { isPortTaken, startSandbox, type SandboxHandle } from './sandbox.js';
import { scenarioDate } from './scenario.js';
import { meta2024 } from './scenarios/meta-2024.js';

const weekday = (day: string) => new Date(`${day}T00:00:00Z`).getUTCDay();

describe('LaggingClock', () => {
  it('runs whole days behind its base, ticks with it and never advances past it', () => {
    const base = new ManualClock('2026-12-07T10:30:00Z');
    const clock = new LaggingClock(base, 3);
    expect(clock.now().toISOString()).toBe('2026-12-04T10:30:00.000Z');
    base.advanceMs(60_000);
    expect(clock.now().toISOString()).toBe('2026-12-04T10:31:00.000Z');
    expect(clock.advanceDays(2)).toBe(2);
    expect(clock.behindDays).toBe(1);
    expect(clock.advanceDays(5)).toBe(1);
    expect(clock.advanceDays(1)).toBe(0);
    expect(clock.now().toISOString()).toBe(base.now().toISOString());
  });
});

describe('anchorScenario', () => {
  // A year of real dates: the anchoring must not depend on which day the sandbox is started.
  it.each(Array.from({ length: 53 }, (_, i) => addDays('2026-01-01', i * 7 + (i % 7))))(
    'on %s keeps every story day on its weekday and starts 56–62 days back',
    (today) => {
      const a = anchorScenario(meta2024, today);
      expect(a.storyDay).toBe(meta2024.sandboxStartDay);
      expect(a.behindDays).toBeGreaterThanOrEqual(SANDBOX_DEFAULT_BEHIND_DAYS);
      expect(a.behindDays).toBeLessThanOrEqual(SANDBOX_DEFAULT_BEHIND_DAYS + 6);
      expect(a.simToday).toBe(addDays(today, -a.behindDays));
      expect(scenarioDate(a.scenario, a.storyDay)).toBe(a.simToday);
      expect(weekday(a.scenario.startDate)).toBe(weekday(meta2024.startDate));
      expect(daysBetween(meta2024.startDate, a.scenario.startDate) % 7).toBe(0);
    },
  );

  it('starts on --start when it falls on the story weekday, else up to six days before', () => {
    const a = anchorScenario(meta2024, '2026-12-07', '2026-10-07');
    expect(a.simToday).toBe('2026-10-07');
    expect(anchorScenario(meta2024, '2026-12-07', '2026-10-13').simToday).toBe('2026-10-07');
  });

  it('refuses a start in the future, too far back, or not a date', () => {
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof UpwatchError ? e.code : 'other';
      }
      return 'none';
    };
    expect(codeOf(() => anchorScenario(meta2024, '2026-12-07', '2026-12-08'))).toBe('USAGE');
    expect(
      codeOf(() =>
        anchorScenario(meta2024, '2026-12-07', addDays('2026-12-07', -SANDBOX_MAX_BEHIND_DAYS - 1)),
      ),
    ).toBe('USAGE');
    expect(codeOf(() => anchorScenario(meta2024, '2026-12-07', 'next week'))).toBe('USAGE');
  });
});

describe('startSandbox', () => {
  const real = new ManualClock('2026-12-07T12:00:00Z');
  let sandbox: SandboxHandle;
  const advanced: number[] = [];
  beforeAll(async () => {
    sandbox = await startSandbox({
      scenario: meta2024,
      clock: real,
      onAdvance: (_s, moved) => advanced.push(moved),
    });
  });
  afterAll(() => sandbox.close());

  const post = (path: string) => fetch(`${sandbox.url}${path}`, { method: 'POST' });

  it('serves the story on the real calendar, values only for days the sandbox has lived', async () => {
    const s = sandbox.state();
    expect(s).toMatchObject({ scenario: 'meta-2024', day: 64, today: '2026-10-07', behindDays: 61 });
    const r = await fetch(
      `${sandbox.url}/v26.0/104100000000001/insights?metric=page_media_view&period=day&since=2026-09-10&until=2026-12-07&access_token=${meta2024.graph.accessToken}`,
    );
    expect(r.status).toBe(200);
    const body = (await r.json()) as { data: { values: { end_time: string }[] }[] };
    const ends = body.data[0]!.values.map((v) => v.end_time.slice(0, 10));
    expect(ends[0]).toBe('2026-09-11'); // end_time: the next Pacific midnight
    // The sandbox's now is 2026-10-07T12:00Z (05:00 in Menlo Park): its newest complete day is 2026-10-06,
    // although the poller asked up to its real today.
    expect(ends.at(-1)).toBe('2026-10-07');
  });

  it('answers GET /_sim/state and moves the clock on POST /_sim/advance', async () => {
    const state = (await (await fetch(`${sandbox.url}/_sim/state`)).json()) as { day: number };
    expect(state.day).toBe(64);
    const r = await post('/_sim/advance?days=3');
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ advanced: 3, day: 67, today: '2026-10-10', behindDays: 58 });
    expect(advanced).toEqual([3]);
    expect((await post('/_sim/advance')).status).toBe(200); // one day by default
    expect(sandbox.state().day).toBe(68);
  });

  it('refuses bad requests, and advancing past the real clock', async () => {
    expect((await post('/_sim/advance?days=0')).status).toBe(400);
    expect((await post('/_sim/advance?days=two')).status).toBe(400);
    expect((await fetch(`${sandbox.url}/_sim/advance`)).status).toBe(405);
    expect((await post('/_sim/rewind')).status).toBe(404);
    const r = await post('/_sim/advance?days=366');
    expect(await r.json()).toMatchObject({ advanced: 57, behindDays: 0, today: '2026-12-07' });
    const again = await post('/_sim/advance?days=1');
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ hint: expect.stringContaining('--start') as unknown });
  });

  it('reports a taken port as such', async () => {
    const port = Number(new URL(sandbox.url).port);
    const e = await startSandbox({ scenario: meta2024, clock: real, port }).catch((err: unknown) => err);
    expect(isPortTaken(e)).toBe(true);
  });
});
