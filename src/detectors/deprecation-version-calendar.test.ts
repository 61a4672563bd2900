// Tests of the version-calendar detector: 90/30/7-day warnings and the block after the end of life.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../core/clock.js';
import { httpSource, metaSource, metricOf, runSource } from '../../test/helpers/deprecation-inputs.js';
import { deprecationVersionCalendar } from './deprecation-version-calendar.js';

const run = (version: string, day: string, thresholds?: number[]) =>
  runSource(deprecationVersionCalendar, {
    source: metaSource(['page_media_view'], version),
    now: `${day}T10:00:00Z`,
    ...(thresholds ? { options: { thresholds } } : {}),
  });

describe('deprecation-version-calendar', () => {
  it.each<[string, string, string | undefined, string | undefined, number | undefined]>([
    ['v20.0', '2026-06-01', undefined, undefined, undefined],
    ['v20.0', '2026-06-26', 'pinned-version-eol-soon', 'warn', 90],
    ['v20.0', '2026-08-25', 'pinned-version-eol-soon', 'warn', 30],
    ['v20.0', '2026-09-17', 'pinned-version-eol-soon', 'warn', 7],
    ['v20.0', '2026-09-25', 'pinned-version-eol-passed', 'block', undefined],
    ['v18.0', '2026-11-25', 'pinned-version-eol-passed', 'block', undefined],
    ['v26.0', '2026-11-25', undefined, undefined, undefined], // end of life not announced yet
    ['v99.0', '2026-11-25', undefined, undefined, undefined],
  ])('%s on %s', (version, day, rule, severity, threshold) => {
    const d = run(version, day);
    if (!rule) return expect(d).toEqual([]);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ rule, severity, class: 'version', subject: `api-version:${version}` });
    expect(d[0]!.evidence.threshold).toBe(threshold);
  });

  it('names the end day and the newest version', () => {
    const d = run('v20.0', '2026-09-01');
    expect(d[0]).toMatchObject({
      effectiveDate: '2026-09-24',
      replacement: 'v26.0',
      evidence: { daysLeft: 23 },
    });
    expect(d[0]!.explanation).toContain('in 23 days (2026-09-24)');
  });

  it('honours custom thresholds', () => {
    expect(run('v20.0', '2026-08-25', [14])).toEqual([]);
    expect(run('v20.0', '2026-09-20', [14])[0]!.evidence.threshold).toBe(14);
  });

  it('ignores sources without a Graph version', () => {
    expect(
      runSource(deprecationVersionCalendar, {
        source: httpSource([metricOf('views')], { apiVersion: 'v1' }),
        now: '2026-11-25T00:00:00Z',
      }),
    ).toEqual([]);
  });

  it('only ever escalates as days pass (ok → warn → block)', () => {
    const rank = (d: ReturnType<typeof run>) => (d.length === 0 ? 0 : d[0]!.severity === 'warn' ? 1 : 2);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        (n) =>
          rank(run('v21.0', addDays('2026-06-01', n))) <= rank(run('v21.0', addDays('2026-06-01', n + 1))),
      ),
    );
  });
});
