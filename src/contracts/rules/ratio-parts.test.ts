import { describe, expect, it } from 'vitest';
import { loadContractTexts } from '../load.js';
import { RULES } from './index.js';
import { ratioParts } from './ratio-parts.js';

const source = (ratio: string) => `apiVersion: upwatch/v1
kind: Source
name: claims
owners: [a@example.com]
provider: push
metrics:
  - { name: claims, kind: count }
  - { name: policies, kind: count }
  - { name: premium, kind: amount, unit: USD }
  - { name: weekly_policies, kind: count, period: week }
${ratio}`;

function run(ratio: string): string[] {
  const r = loadContractTexts([{ path: 'a.yaml', text: source(ratio) }], { rules: [ratioParts] });
  return r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message} | ${d.hint ?? ''}`);
}

describe('ratio-parts', () => {
  it('is registered', () => {
    expect(RULES).toContain(ratioParts);
  });

  it.each([
    {
      name: 'two counts',
      ratio: '  - { name: claim_rate, kind: ratio, numerator: claims, denominator: policies }\n',
      want: [],
    },
    {
      name: 'a misspelt part',
      ratio: '  - { name: claim_rate, kind: ratio, numerator: claim, denominator: policies }\n',
      want: [
        '11:49 ratio-parts metric "claims/claim_rate" has numerator "claim", which source "claims" does not declare | did you mean "claims"?',
      ],
    },
    {
      name: 'an amount as a part',
      ratio: '  - { name: loss_ratio, kind: ratio, numerator: claims, denominator: premium }\n',
      want: [
        '11:70 ratio-parts metric "claims/loss_ratio" has denominator "premium", of kind amount: both parts must be counts | use a count of claims with period day: claims, policies, weekly_policies',
      ],
    },
    {
      name: 'another period',
      ratio: '  - { name: claim_rate, kind: ratio, numerator: claims, denominator: weekly_policies }\n',
      want: [
        '11:70 ratio-parts metric "claims/claim_rate" (period day) has denominator "weekly_policies" of period week | use a count of claims with period day: claims, policies, weekly_policies',
      ],
    },
    {
      name: 'not a ratio',
      ratio: '  - { name: claim_rate, kind: percent, numerator: claims, denominator: policies }\n',
      want: [
        '11:31 ratio-kind metric "claims/claim_rate" has a numerator and a denominator, so it is a ratio (got kind percent) | write kind: ratio (upwatch computes numerator / denominator, a 0..1 share)',
      ],
    },
  ])('$name', ({ ratio, want }) => {
    expect(run(ratio)).toEqual(want);
  });

  it('the schema wants both parts', () => {
    const r = loadContractTexts([
      { path: 'a.yaml', text: source('  - { name: claim_rate, kind: ratio, numerator: claims }\n') },
    ]);
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([
      expect.stringContaining('"numerator" but not "denominator"'),
    ]);
  });
});
