// Property: the gate reads each feature's findings through an index by source and metric; what it decides is what
// a plain scan of every finding against every feature decides.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FindingRecord } from '../core/finding-record.js';
import { contractSet, feature, finding } from '../../test/helpers/gate-fixtures.js';
import { evaluateGate } from './evaluate.js';

const METRICS = ['m1', 'm2', 'm3', 'm4'];
const now = new Date('2026-03-15T07:00:00.000Z');

function record(
  i: number,
  metric: string | undefined,
  severity: 'block' | 'warn' | 'info',
  status: string,
): FindingRecord {
  const f = finding(metric ?? 'm1', {
    severity,
    ...(metric === undefined ? { metric: undefined } : {}),
    subject: `s${i}`,
  });
  const r = {
    ...f,
    id: i + 1,
    episode: 1,
    status,
    firstSeen: now.toISOString(),
    lastSeen: now.toISOString(),
    goodPollsSinceAbsent: 0,
    lifecycle: 'condition',
  } as FindingRecord;
  if (metric === undefined) delete (r as { metric?: string }).metric;
  return r;
}

describe('evaluateGate', () => {
  it('property: the indexed lookup gives the reasons a scan of every finding gives', () => {
    fc.assert(
      fc.property(
        fc.array(fc.subarray(METRICS, { minLength: 1 }), { minLength: 1, maxLength: 5 }),
        fc.array(
          fc.record({
            metric: fc.option(fc.constantFrom(...METRICS), { nil: undefined }),
            severity: fc.constantFrom('block' as const, 'warn' as const, 'info' as const),
            status: fc.constantFrom('open', 'acknowledged', 'resolved'),
          }),
          { maxLength: 12 },
        ),
        (uses, drafts) => {
          const features = uses.map((u, i) =>
            feature(
              `f${i}`,
              u.map((m) => `meta/${m}`),
            ),
          );
          const findings = drafts.map((d, i) => record(i, d.metric, d.severity, d.status));
          const report = evaluateGate({
            contracts: contractSet(METRICS, features),
            findings,
            overrides: new Map(),
            lastVerified: () => now.toISOString(),
            now,
          });
          for (const gate of report.features) {
            const feat = features.find((f) => f.name === gate.feature)!;
            const expected = findings
              .filter(
                (f) =>
                  f.status !== 'resolved' &&
                  f.severity !== 'info' &&
                  feat.uses.some(
                    (u) => u.source === f.source && (f.metric === undefined || f.metric === u.metric),
                  ),
              )
              .map((f) => f.fingerprint)
              .sort();
            expect(gate.reasons.map((r) => r.fingerprint).sort()).toEqual(expected);
          }
        },
      ),
    );
  });
});
