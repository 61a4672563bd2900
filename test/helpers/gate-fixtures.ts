// Builders for findings, features and contract sets used by the gate, lifecycle and alert tests.
import type { ContractSet, FeatureContract, SourceContract } from '../../src/core/contract.js';
import type { Finding, FindingDraft } from '../../src/core/finding.js';
import { toFinding } from '../../src/core/finding.js';
import { metaSource } from './contracts.js';

const loc = { file: 'contracts/features.yaml', line: 1, col: 1 };

/** A feature using `source/metric` references, blocking on `block`, warning on `warn`. */
export function feature(name: string, uses: string[], extra: Partial<FeatureContract> = {}): FeatureContract {
  return {
    name,
    owners: [`${name}-owner@example.com`],
    uses: uses.map((u) => {
      const [source, metric] = u.split('/') as [string, string];
      return { source, metric, location: loc };
    }),
    policy: { blockOn: ['block'], warnOn: ['warn'] },
    location: loc,
    ...extra,
  };
}

/** A contract set with the `meta` source (metrics given) and features. */
export function contractSet(
  metrics: string[],
  features: FeatureContract[],
  sources: SourceContract[] = [],
): ContractSet {
  return {
    root: 'contracts',
    files: [],
    sources: [metaSource('http://127.0.0.1:1', metrics), ...sources],
    features,
  };
}

/** A finding about `meta/<metric>`. */
export function finding(
  metric: string,
  extra: Partial<FindingDraft> = {},
  detectedAt = '2026-03-14T07:00:00.000Z',
): Finding {
  return toFinding(
    {
      rule: 'metric-invalid',
      class: 'deprecation',
      severity: 'block',
      source: 'meta',
      metric,
      entities: ['111'],
      onset: '2026-03-14',
      evidence: { graphCode: 100, message: `(#100) ${metric} must be a valid insights metric` },
      explanation: `${metric} rejected by Meta (#100): the metric is no longer a valid insights metric.`,
      title: `${metric} rejected by Meta (#100)`,
      ...extra,
    },
    detectedAt,
  );
}
