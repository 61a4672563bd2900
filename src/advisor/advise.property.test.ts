import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../core/clock.js';
import type { FeatureContract } from '../core/contract.js';
import type { Decision } from '../core/decision.js';
import type { SeriesPoint } from '../core/detector.js';
import type { FindingRecord } from '../core/finding-record.js';
import { metaSource } from '../../test/helpers/contracts.js';
import { adviseWindow, historyKey } from './advise.js';

const loc = { file: 't.yaml', line: 1, col: 1 };
const FEATURE: FeatureContract = {
  name: 'f',
  owners: ['a@example.com'],
  uses: [{ source: 'meta', metric: 'm', location: loc }],
  policy: { blockOn: ['block'], warnOn: ['warn'] },
  location: loc,
};
const START = '2026-01-01';
const day = (n: number) => addDays(START, n);

const points = (values: number[]): SeriesPoint[] =>
  values.map((v, i) => ({
    periodEnd: `${day(i)}T07:00:00.000Z`,
    day: day(i),
    value: v,
    firstValue: v,
    jsonType: 'int',
    firstSeen: `${day(i)}T08:00:00.000Z`,
    lastSeen: `${day(i)}T08:00:00.000Z`,
  }));

const KINDS = [
  { rule: 'frozen-run', class: 'frozen', lifecycle: 'condition', evidence: {} },
  { rule: 'panel-scale', class: 'scale', lifecycle: 'change', evidence: { factor: 0.001 } },
  { rule: 'representation-flip', class: 'scale', lifecycle: 'change', evidence: {} },
  { rule: 'metric-invalid', class: 'deprecation', lifecycle: 'change', evidence: {} },
  { rule: 'level-shift', class: 'scale', lifecycle: 'condition', evidence: {} },
  { rule: 'null-rate', class: 'nulls', lifecycle: 'condition', evidence: {} },
] as const;

const findingArb = fc.record({
  kind: fc.integer({ min: 0, max: KINDS.length - 1 }),
  onset: fc.integer({ min: 0, max: 119 }),
  length: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
  severity: fc.constantFrom('block' as const, 'warn' as const),
  reverted: fc.boolean(),
  decided: fc.option(
    fc.constantFrom(
      'rescaled-history' as const,
      'new-definition' as const,
      'switched-to-replacement' as const,
    ),
    { nil: undefined },
  ),
});

describe('advice invariants', () => {
  it('every span in the window lies inside it; the verdict is retrain exactly when nothing is to fix, wait for or verify', () => {
    fc.assert(
      fc.property(
        fc.array(findingArb, { maxLength: 6 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 120, maxLength: 120 }),
        (specs, from, length, values) => {
          const window = { from: day(from), to: day(Math.min(119, from + length - 1)) };
          const findings: FindingRecord[] = specs.map((s, i) => {
            const k = KINDS[s.kind]!;
            const resolved = s.length !== undefined;
            return {
              id: i + 1,
              fingerprint: `fp${i}`.padEnd(16, '0'),
              episode: 1,
              status: resolved ? 'resolved' : 'open',
              ...(resolved
                ? {
                    resolvedAt: `${day(s.onset + s.length!)}T08:00:00.000Z`,
                    resolution: s.reverted ? 'reverted' : 'absent',
                  }
                : {}),
              firstSeen: `${day(s.onset)}T08:00:00.000Z`,
              lastSeen: `${day(s.onset)}T08:00:00.000Z`,
              goodPollsSinceAbsent: 0,
              lifecycle: k.lifecycle,
              detectedAt: `${day(s.onset)}T08:00:00.000Z`,
              rule: k.rule,
              class: k.class,
              severity: s.severity,
              source: 'meta',
              metric: 'm',
              entities: ['p1'],
              entityShare: 1,
              onset: day(s.onset),
              evidence: { ...k.evidence },
              explanation: 'x.',
            };
          });
          const decisions: Decision[] = specs.flatMap((s, i) =>
            s.decided === undefined
              ? []
              : [
                  {
                    id: i,
                    fingerprint: findings[i]!.fingerprint,
                    episode: 1,
                    source: 'meta',
                    metric: 'm',
                    rule: findings[i]!.rule,
                    kind: s.decided,
                    onset: findings[i]!.onset,
                    reason: 'r',
                    by: 'a',
                    at: '2026-06-01T00:00:00.000Z',
                  },
                ],
          );
          const advice = adviseWindow({
            window,
            features: [FEATURE],
            sources: [metaSource('http://127.0.0.1:1', ['m'])],
            findings,
            decisions,
            histories: new Map([
              [
                historyKey('meta', 'm'),
                { source: 'meta', metric: 'm', entities: new Map([['p1', points(values)]]) },
              ],
            ]),
            now: new Date(`${window.to}T10:00:00Z`),
          });
          for (const s of advice.spans) {
            expect(s.from <= s.to).toBe(true);
            if (s.kind !== 'sunset') expect(s.from >= window.from && s.to <= window.to).toBe(true);
            if (s.action === 'rescale') expect(s.factor).toBeGreaterThan(0);
          }
          const blocking = advice.spans.some((s) => s.weight === 'fix' || s.weight === 'wait');
          expect(advice.verdict === 'retrain').toBe(!blocking && advice.unverified.length === 0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
