import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ContractSet, MetricKind } from '../core/contract.js';
import { classifyChanges } from './classify.js';
import { feature, metric, set, source } from '../../test/helpers/contract-builders.js';

const now = new Date('2026-11-20T00:00:00Z');
const KINDS: MetricKind[] = ['count', 'ratio', 'percent', 'amount', 'gauge'];

/** Random contract sets: up to 3 sources of up to 5 metrics, up to 6 features using 1–3 of them. */
const contractSet: fc.Arbitrary<ContractSet> = fc
  .record({
    sources: fc.uniqueArray(
      fc.record({
        name: fc.constantFrom('meta', 'partner', 'internal'),
        metrics: fc.uniqueArray(
          fc.record({ name: fc.constantFrom('a', 'b', 'c', 'd', 'e'), kind: fc.constantFrom(...KINDS) }),
          { selector: (m) => m.name, minLength: 1, maxLength: 5 },
        ),
      }),
      { selector: (s) => s.name, maxLength: 3 },
    ),
    features: fc.uniqueArray(
      fc.record({
        name: fc.constantFrom('f1', 'f2', 'f3', 'f4', 'f5', 'f6'),
        uses: fc.uniqueArray(
          fc.tuple(
            fc.constantFrom('meta', 'partner', 'internal', 'ghost'),
            fc.constantFrom('a', 'b', 'c', 'z'),
          ),
          { minLength: 1, maxLength: 3, selector: ([s, m]) => `${s}/${m}` },
        ),
      }),
      { selector: (f) => f.name, maxLength: 6 },
    ),
  })
  .map(({ sources, features }) =>
    set(
      sources.map((s) =>
        source(
          s.name,
          s.metrics.map((m) => metric(m.name, { kind: m.kind })),
        ),
      ),
      features.map((f) =>
        feature(
          f.name,
          f.uses.map(([s, m]) => `${s}/${m}`),
        ),
      ),
    ),
  );

describe('classifyChanges properties', () => {
  it('finds nothing when base and head are the same', () => {
    fc.assert(
      fc.property(contractSet, (s) => {
        const r = classifyChanges(s, structuredClone(s), { now });
        expect(r.issues).toEqual([]);
        expect(r.features.every((f) => f.kind === 'unchanged')).toBe(true);
      }),
    );
  });

  it('gives every issue a distinct fingerprint and a location in a base or head file', () => {
    fc.assert(
      fc.property(contractSet, contractSet, (base, head) => {
        const { issues } = classifyChanges(base, head, { now });
        expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(issues.length);
        for (const i of issues) {
          expect(i.rule).toMatch(/^upwatch\/[a-z-]+$/);
          expect(i.location.line).toBeGreaterThanOrEqual(1);
        }
      }),
    );
  });

  it('blocks exactly when a head feature loses a metric it uses, or newly uses an undeclared one', () => {
    fc.assert(
      fc.property(contractSet, contractSet, (base, head) => {
        const declared = (s: ContractSet, src: string, m: string): boolean =>
          s.sources.some((x) => x.name === src && x.metrics.some((y) => y.name === m));
        const { issues } = classifyChanges(base, head, { now });
        const blocks = issues.filter((i) => i.severity === 'block');
        for (const f of head.features) {
          const old = base.features.find((b) => b.name === f.name);
          for (const u of f.uses) {
            const wasUsed = old?.uses.some((o) => o.source === u.source && o.metric === u.metric) ?? false;
            const removed = declared(base, u.source, u.metric) && !declared(head, u.source, u.metric);
            const undeclaredNew = !wasUsed && !declared(head, u.source, u.metric);
            const reported = blocks.some(
              (b) =>
                b.source === u.source &&
                b.metric === u.metric &&
                (b.rule === 'upwatch/metric-removed' || b.rule === 'upwatch/undeclared-metric'),
            );
            if (removed || undeclaredNew) expect(reported).toBe(true);
          }
        }
        // Nothing blocks without a head feature depending on it (kind changes of used metrics aside).
        for (const b of blocks) {
          expect(
            head.features.some((f) => f.uses.some((u) => u.source === b.source && u.metric === b.metric)),
          ).toBe(true);
        }
      }),
    );
  });
});
