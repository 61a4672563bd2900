import { describe, expect, it } from 'vitest';
import type { ModelContract } from '../core/contract.js';
import { contractSet, feature } from '../../test/helpers/gate-fixtures.js';
import { recipientsOf } from '../alerts/plan.js';
import { modelFeatures, selectFeatures } from './select.js';

const loc = { file: 'contracts/models.yaml', line: 1, col: 1 };
const ref = (r: string) => {
  const [source, metric] = r.split('/') as [string, string];
  return { source, metric, location: loc };
};
function model(name: string, features: string[], extra: Partial<ModelContract> = {}): ModelContract {
  return {
    name,
    owners: [`${name}-ml@example.com`],
    features,
    kpis: [],
    trustSignals: [],
    location: loc,
    ...extra,
  };
}

const features = [
  feature('reach_7d', ['meta/m1'], { model: 'ranker' }),
  feature('views_7d', ['meta/m2'], { model: 'ranker' }),
  feature('risk_inputs', ['meta/m3']),
];

describe('modelFeatures / selectFeatures --model', () => {
  it.each([
    { name: 'tags only: every tagged feature', models: [], ask: 'ranker', want: ['reach_7d', 'views_7d'] },
    {
      name: 'a Model document: its list, in its order, tags ignored',
      models: [model('ranker', ['views_7d', 'risk_inputs'])],
      ask: 'ranker',
      want: ['views_7d', 'risk_inputs'],
    },
    {
      name: 'a Model document for another model leaves tags in charge',
      models: [model('underwriting', ['risk_inputs'])],
      ask: 'ranker',
      want: ['reach_7d', 'views_7d'],
    },
    {
      name: 'a model only a Model document declares',
      models: [model('underwriting', ['risk_inputs'])],
      ask: 'underwriting',
      want: ['risk_inputs'],
    },
  ])('$name', ({ models, ask, want }) => {
    const contracts = { ...contractSet(['m1', 'm2', 'm3'], features), models };
    expect(modelFeatures(contracts, ask).map((f) => f.name)).toEqual(want);
    expect(selectFeatures(contracts, { model: ask }).map((f) => f.name)).toEqual(want);
  });

  it('an unknown model names the declared ones, from Model documents and tags', () => {
    const contracts = {
      ...contractSet(['m1', 'm2', 'm3'], features),
      models: [model('underwriting', ['risk_inputs'])],
    };
    expect(() => selectFeatures(contracts, { model: 'nope' })).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', hint: 'known models: ranker, underwriting' }),
    );
  });
});

describe('recipientsOf a model KPI or trust signal', () => {
  const contracts = {
    ...contractSet(['m1', 'm2', 'm3', 'override_rate'], features),
    models: [
      model('credit', ['risk_inputs'], { trustSignals: [ref('meta/override_rate')] }),
      model('ranker', ['reach_7d'], { kpis: [ref('meta/m1')] }),
    ],
  };
  it.each([
    { metric: 'override_rate', adds: ['credit-ml@example.com'] },
    { metric: 'm1', adds: ['ranker-ml@example.com', 'reach_7d-owner@example.com'] },
    { metric: 'm3', adds: ['risk_inputs-owner@example.com'] },
  ])('meta/$metric also goes to $adds', ({ metric, adds }) => {
    const sourceOwners = contracts.sources[0]!.owners;
    expect(recipientsOf(contracts, { source: 'meta', metric }, [])).toEqual(
      [...sourceOwners, ...adds].sort(),
    );
  });
});
