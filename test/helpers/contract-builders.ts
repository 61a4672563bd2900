// Small builders of ContractSets in code, for the `upwatch ci` unit tests (no loader needed).
import type {
  ContractSet,
  FeatureContract,
  MetricContract,
  SourceContract,
} from '../../src/core/contract.js';

let line = 0;
function loc(file: string): { file: string; line: number; col: number } {
  line += 1;
  return { file, line, col: 3 };
}

export function metric(name: string, fields: Partial<MetricContract> = {}): MetricContract {
  return { name, period: 'day', kind: 'count', checks: {}, location: loc('contracts/meta.yaml'), ...fields };
}

export function source(
  name: string,
  metrics: MetricContract[],
  fields: Partial<SourceContract> = {},
): SourceContract {
  return {
    name,
    owners: ['data@example.com'],
    provider: 'meta-graph',
    connection: {
      kind: 'meta-graph',
      baseUrl: 'https://graph.facebook.com',
      apiVersion: 'v24.0',
      accessToken: { template: '${T}', refs: ['T'] },
      pages: ['1'],
      lookbackDays: 3,
    },
    schedule: '0 7 * * *',
    timezone: 'UTC',
    freshnessHours: 36,
    docs: [],
    metrics,
    checks: {},
    location: loc('contracts/meta.yaml'),
    ...fields,
  };
}

export function feature(
  name: string,
  uses: string[],
  fields: Partial<FeatureContract> = {},
): FeatureContract {
  const file = 'contracts/features.yaml';
  return {
    name,
    owners: ['ml@example.com'],
    uses: uses.map((u) => {
      const [s, m] = u.split('/');
      return { source: s!, metric: m!, location: loc(file) };
    }),
    policy: { blockOn: ['block'], warnOn: ['warn'] },
    location: loc(file),
    ...fields,
  };
}

export function set(sources: SourceContract[], features: FeatureContract[]): ContractSet {
  return { root: 'contracts', files: ['contracts/meta.yaml', 'contracts/features.yaml'], sources, features };
}
