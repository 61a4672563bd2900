import { describe, expect, it } from 'vitest';
import { addDays } from '../core/clock.js';
import { normal, negBinomial, seeded } from '../core/random.js';
import { HistorySet } from './history-set.js';
import { inferKind, replayFindings } from './replay.js';

const START = '2026-01-05';

/** A panel of `n` entities over `days` days: value(entity, day, rand), undefined = not delivered. */
function panelSet(
  n: number,
  days: number,
  value: (e: number, t: number, r: () => number) => number | undefined,
): HistorySet {
  const r = seeded(4242);
  const set = new HistorySet();
  for (let t = 0; t < days; t++)
    for (let e = 0; e < n; e++) {
      const v = value(e, t, r);
      if (v !== undefined)
        set.add({ date: addDays(START, t), source: 's', metric: 'm', entity: `p${e}`, value: v });
    }
  set.finish();
  return set;
}

describe('inferKind', () => {
  it.each([
    { values: [0.04, 0.12, 0.07], kind: 'ratio' },
    { values: [0, 0.5, 1], kind: 'ratio' },
    { values: [0, 1, 1, 0], kind: 'count' },
    { values: [3, 0.5], kind: 'count' },
    { values: [-0.2, 0.5], kind: 'count' },
    { values: [NaN, 0.3], kind: 'ratio' },
    { values: [], kind: 'count' },
  ])('$values → $kind', ({ values, kind }) => {
    expect(inferKind(values)).toBe(kind);
  });
});

describe('replayFindings', () => {
  // A noisy 0..1 ratio (≈0.01–0.2 per page) multiplied by 100, replayed without contracts, was read as a
  // count (log(1 + x) compresses values below 1) and named ≈×10. Read as a ratio, the factor is ×100.
  it('names ×100 on a 0..1 ratio that became a percent, without a contract', () => {
    const base = Array.from({ length: 40 }, (_, e) => 0.02 + (0.1 * ((e * 37) % 40)) / 40);
    const set = panelSet(40, 70, (e, t, r) => {
      const v = Math.min(0.99, Math.round(base[e]! * Math.exp(0.35 * normal(r)) * 1e4) / 1e4);
      return t >= 55 ? Math.round(v * 100 * 100) / 100 : v;
    });
    const kinds: string[] = [];
    const { events } = replayFindings(set, { onKind: (_s, m, k) => kinds.push(`${m} ${k}`) });
    expect(kinds).toEqual(['m ratio']);
    const scale = events.find((f) => f.class === 'scale' && f.dataDay >= addDays(START, 55));
    expect(scale).toMatchObject({ severity: 'block', evidence: { factor: 100 } });
    expect(scale!.dataDay <= addDays(START, 57)).toBe(true);
    expect(scale!.explanation).toMatch(/≈×100/);
  });

  it('resolves a condition after 2 good polls without it, as a poll would, and holds a change', () => {
    // p0 freezes for 6 days then moves again; the whole panel is divided by 1000 from day 60.
    const set = panelSet(20, 90, (e, t, r) => {
      const v = negBinomial(r, 400 + 40 * e, 20);
      if (e === 0 && t >= 40 && t < 46) return 777;
      return t >= 60 ? v / 1000 : v;
    });
    const { events, records } = replayFindings(set);
    const frozen = events.filter((f) => f.class === 'frozen');
    expect(frozen[0]).toMatchObject({ event: 'new', lifecycle: 'condition', entities: ['p0'] });
    const resolved = frozen.find((f) => f.event === 'resolved');
    expect(resolved).toMatchObject({ resolution: 'absent', fingerprint: frozen[0]!.fingerprint });
    expect(resolved!.explanation).toMatch(/^Resolved: absent for 2 consecutive good polls\. It was: /);
    // The ÷1000 change: the detectors fall quiet within days, the record stays open (held) to the end.
    const scale = records.find((r) => r.class === 'scale' && r.evidence['factor'] === 0.001);
    expect(scale).toMatchObject({ status: 'open', severity: 'block', lifecycle: 'change' });
    expect(scale!.goodPollsSinceAbsent).toBeGreaterThan(5);
    // (The fingerprint may have had an earlier, resolved episode: a noise level shift on the same metric.)
    const after = events.filter(
      (f) => f.fingerprint === scale!.fingerprint && f.detectedOn >= scale!.firstSeen.slice(0, 10),
    );
    expect(after.map((f) => [f.event, f.evidence['factor']])).toEqual([
      [scale!.episode > 1 ? 'reopened' : 'new', 0.001],
    ]);
  });
});
