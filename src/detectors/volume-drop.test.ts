import { describe, expect, it } from 'vitest';
import { volumeDrop } from './volume-drop.js';
import { freshness } from './freshness.js';
import { historyOf, nowAfter, pollOf } from '../../test/helpers/detector-series.js';
import { runOn } from '../../test/helpers/detector-input.js';

function panel(n: number, days: number, missing: (e: number, d: number) => boolean) {
  const series: Record<string, (number | undefined)[]> = {};
  for (let e = 0; e < n; e++)
    series[`p${e}`] = Array.from({ length: days }, (_, d) => (missing(e, d) ? undefined : 50 + e));
  return historyOf(series);
}

describe('volume-drop', () => {
  it.each([
    {
      name: '8 of 20 entities missing today',
      h: panel(20, 40, (e, d) => d === 39 && e < 8),
      now: nowAfter(40),
      stopped: false,
      count: 12,
    },
    {
      name: 'metric stopped arriving yesterday',
      h: panel(20, 39, () => false),
      now: nowAfter(40),
      stopped: true,
      count: 0,
    },
  ])('$name', ({ h, now, stopped, count }) => {
    const [d] = runOn(volumeDrop, h, { now });
    expect(d?.severity).toBe('warn');
    expect(d?.evidence['stopped']).toBe(stopped);
    expect(d?.evidence['count']).toBe(count);
  });

  // A metric gone from the data for every entity blocks after as many days as a poll waits for
  // `metric-missing-from-data` (deprecation-runtime's missingPolls), whether or not poll outcomes exist.
  it.each([
    {
      name: 'stopped 1 day, default missingPolls 2',
      stop: 39,
      k: undefined,
      rule: 'volume-drop',
      severity: 'warn',
    },
    {
      name: 'stopped 2 days, default missingPolls 2',
      stop: 38,
      k: undefined,
      rule: 'metric-missing-from-data',
      severity: 'block',
    },
    { name: 'stopped 9 days', stop: 31, k: undefined, rule: 'metric-missing-from-data', severity: 'block' },
    { name: 'stopped 2 days, missingPolls 3', stop: 38, k: 3, rule: 'volume-drop', severity: 'warn' },
    {
      name: 'stopped 3 days, missingPolls 3',
      stop: 37,
      k: 3,
      rule: 'metric-missing-from-data',
      severity: 'block',
    },
  ])('every entity gone: $name → $severity $rule', ({ stop, k, rule, severity }) => {
    const drafts = runOn(
      volumeDrop,
      panel(20, stop, () => false),
      {
        now: nowAfter(40),
        ...(k ? { source: { checks: { 'deprecation-runtime': { options: { missingPolls: k } } } } } : {}),
      },
    );
    expect(drafts.map((d) => [d.rule, d.severity])).toEqual([[rule, severity]]);
    if (rule === 'metric-missing-from-data') {
      const d = drafts[0]!;
      expect(d.class).toBe('deprecation');
      expect(d.evidence['consecutiveDays']).toBe(40 - stop);
      expect(d.onset).toBe(panel(1, stop + 1, () => false).entities.get('p0')![stop]!.day);
      expect(d.explanation).toMatch(/none of the 20 entities .* for \d+ days .*gone from the data/);
    }
  });

  it('still blocks a metric gone for longer than its baseline (the window still holds the days before)', () => {
    const [d] = runOn(
      volumeDrop,
      panel(20, 20, () => false),
      { now: nowAfter(60) },
    );
    expect(d).toMatchObject({
      rule: 'metric-missing-from-data',
      severity: 'block',
      evidence: { consecutiveDays: 40 },
    });
  });

  it('does not block a metric that reports once a week', () => {
    const drafts = runOn(
      volumeDrop,
      panel(20, 40, (_e, d) => d % 7 !== 0),
      { now: nowAfter(40) },
    );
    expect(drafts.filter((d) => d.severity === 'block')).toEqual([]);
  });

  it('does not block when only some entities stopped', () => {
    const drafts = runOn(
      volumeDrop,
      panel(20, 40, (e, d) => e < 15 && d >= 30),
      { now: nowAfter(40) },
    );
    expect(drafts.every((d) => d.severity !== 'block')).toBe(true);
  });

  it('flags HTTP 200 with no data for the metric', () => {
    const polls = [
      pollOf(1, '2026-02-14T07:00:00Z', { metricOutcomes: [{ metric: 'm', status: 'missing' }] }),
    ];
    const [d] = runOn(
      volumeDrop,
      panel(3, 3, () => false),
      { now: nowAfter(4), polls },
    );
    expect(d?.evidence['emptyResponse']).toBe(true);
  });

  it.each([
    { name: 'full panel today', h: panel(20, 40, () => false), now: nowAfter(40) },
    { name: 'one entity missing', h: panel(20, 40, (e, d) => d === 39 && e === 0), now: nowAfter(40) },
    {
      name: 'an entity that only reports sometimes',
      h: panel(20, 40, (e, d) => e === 0 && d % 2 === 1),
      now: nowAfter(40),
    },
  ])('stays quiet on $name', ({ h, now }) => {
    expect(runOn(volumeDrop, h, { now })).toEqual([]);
  });
});

describe('freshness', () => {
  it.each([
    { days: 40, nowDay: 40, fires: false },
    { days: 40, nowDay: 41, fires: false },
    { days: 40, nowDay: 43, fires: true },
    { days: 5, nowDay: 20, fires: false },
  ])('history of $days days polled on day $nowDay → fires: $fires', ({ days, nowDay, fires }) => {
    const drafts = runOn(
      freshness,
      panel(4, days, () => false),
      { now: nowAfter(nowDay) },
    );
    expect(drafts.length > 0).toBe(fires);
    if (fires) expect(drafts[0]!.onset).toBe(panel(1, days + 1, () => false).entities.get('p0')![days]!.day);
  });
});
