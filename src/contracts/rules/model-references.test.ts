import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadContractTexts } from '../load.js';
import { FIXED_NOW } from '../../../test/helpers/fixed-clock.js';

/** Contracts are judged as of a fixed day: the source pins a Graph version whose end of life a later day passes. */
const NOW = new Date(FIXED_NOW);
import { RULES } from './index.js';
import { modelReferences } from './model-references.js';

const source = `apiVersion: upwatch/v1
kind: Source
name: claims
owners: [data@example.com]
provider: meta-graph
connection:
  apiVersion: v24.0
  accessToken: \${META_PAGE_TOKEN}
  pages: ["1"]
schedule: "0 7 * * *"
metrics:
  - { name: loss_ratio_low, kind: ratio }
  - { name: override_rate, kind: ratio }
`;
const feature = (model = '') => `apiVersion: upwatch/v1
kind: Feature
name: risk_inputs
owners: [ml@example.com]
uses: [claims/loss_ratio_low]
${model}`;
const model = (body: string) => `apiVersion: upwatch/v1
kind: Model
name: underwriting
owners: [uw@example.com]
${body}`;

/** Load the three files with only this rule; return `file:line:col severity code message | hint`. */
function run(modelText: string, featureText = feature()): string[] {
  const r = loadContractTexts(
    [
      { path: 'claims.yaml', text: source },
      { path: 'feature.yaml', text: featureText },
      { path: 'model.yaml', text: modelText },
    ],
    { rules: [modelReferences], now: NOW },
  );
  return r.diagnostics.map(
    (d) => `${d.file}:${d.line}:${d.col} ${d.severity} ${d.code} ${d.message}${d.hint ? ` | ${d.hint}` : ''}`,
  );
}

describe('model-references', () => {
  it('is registered', () => {
    expect(RULES).toContain(modelReferences);
  });

  it.each([
    {
      name: 'declared features and metrics',
      text: model(
        'features: [risk_inputs]\nkpis: [claims/loss_ratio_low]\ntrustSignals: [claims/override_rate]\n',
      ),
      want: [],
    },
    {
      name: 'a misspelled feature',
      text: model('features: [risk_input]\n'),
      want: [
        'model.yaml:5:12 error unknown-feature model "underwriting" uses feature "risk_input", which is not declared | did you mean "risk_inputs"?',
      ],
    },
    {
      name: 'a KPI naming an undeclared metric',
      text: model('features: [risk_inputs]\nkpis: [claims/loss_ratio_lo]\n'),
      want: [
        'model.yaml:6:8 error unknown-metric model "underwriting" has KPI "claims/loss_ratio_lo" but source "claims" declares no metric "loss_ratio_lo" | did you mean "loss_ratio_low"?',
      ],
    },
    {
      name: 'a trust signal naming an undeclared source',
      text: model('features: [risk_inputs]\ntrustSignals: [claim/override_rate]\n'),
      want: [
        'model.yaml:6:16 error unknown-source model "underwriting" has trust signal "claim/override_rate" but no source is named "claim" | did you mean "claims"?',
      ],
    },
  ])('$name', ({ text, want }) => {
    expect(run(text)).toEqual(want);
  });

  it('a feature tagged with a declared model must be listed by it', () => {
    const other = `---
apiVersion: upwatch/v1
kind: Feature
name: band_mix
owners: [ml@example.com]
uses: [claims/loss_ratio_low]
`;
    expect(run(model('features: [band_mix]\n'), feature('model: underwriting\n') + other)).toEqual([
      'feature.yaml:6:8 error model-disagrees feature "risk_inputs" says model: underwriting, but model "underwriting" does not list it in its features | add risk_inputs to the features of model "underwriting" (model.yaml:1), or remove the model: tag',
    ]);
  });

  it('a model tag with no Model document is not checked', () => {
    expect(
      run(
        model('features: [risk_inputs]\n').replace('underwriting', 'pricing'),
        feature('model: underwriting\n'),
      ),
    ).toEqual([]);
  });

  it('a duplicate model name is reported by unique-names', () => {
    const r = loadContractTexts(
      [
        { path: 'claims.yaml', text: source },
        { path: 'feature.yaml', text: feature() },
        {
          path: 'model.yaml',
          text: `${model('features: [risk_inputs]\n')}---\n${model('features: [risk_inputs]\n')}`,
        },
      ],
      { now: NOW },
    );
    expect(
      r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line} ${d.code}`),
    ).toEqual(['model.yaml:9 duplicate-name']);
  });

  it('a Model document failing the schema is an error located in it', () => {
    const r = loadContractTexts(
      [
        { path: 'claims.yaml', text: source },
        { path: 'model.yaml', text: model('kpis: [claims/loss_ratio_low]\n') },
      ],
      { now: NOW },
    );
    expect(r.diagnostics.map((d) => `${d.file}:${d.line} ${d.code}`)).toContainEqual(
      expect.stringMatching(/^model\.yaml:\d+ /),
    );
    expect(r.contracts.models).toBeUndefined();
  });
});

describe('the Model example of docs/contracts.md', () => {
  it('loads with the source and features it names', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../../docs/contracts.md'), 'utf8');
    const example = /### Models[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toContain('kind: Model');
    const warehouse = source
      .replace('name: claims', 'name: claims-warehouse')
      .replace(
        '  - { name: loss_ratio_low, kind: ratio }\n  - { name: override_rate, kind: ratio }\n',
        ['loss_ratio_low_band', 'loss_ratio_medium_band', 'underwriter_override_rate']
          .map((m) => `  - { name: ${m}, kind: ratio }\n`)
          .join(''),
      );
    const features = ['risk_inputs', 'claims_history_12m']
      .map((f) =>
        feature()
          .replace('name: risk_inputs', `name: ${f}`)
          .replace('claims/loss_ratio_low', 'claims-warehouse/loss_ratio_low_band'),
      )
      .join('---\n');
    const r = loadContractTexts(
      [
        { path: 'warehouse.yaml', text: warehouse },
        { path: 'features.yaml', text: features },
        { path: 'model.yaml', text: example! },
      ],
      { now: NOW },
    );
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.contracts.models?.[0]).toMatchObject({
      name: 'underwriting',
      features: ['risk_inputs', 'claims_history_12m'],
      trustSignals: [{ source: 'claims-warehouse', metric: 'underwriter_override_rate' }],
    });
  });
});
