import { describe, expect, it } from 'vitest';
import { loadContractTexts } from '../load.js';
import { categoryFields } from './category-fields.js';
import { checkOverrides } from './check-overrides.js';
import { RULES } from './index.js';

const source = (metrics: string, checks = '') => `apiVersion: upwatch/v1
kind: Source
name: search
owners: [a@example.com]
provider: push
${checks}metrics:
${metrics}`;

function run(text: string): string[] {
  const r = loadContractTexts([{ path: 'a.yaml', text }], { rules: [categoryFields, checkOverrides] });
  return r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`);
}

describe('category-fields and where categorical and segment checks apply', () => {
  it('is registered', () => {
    expect(RULES).toContain(categoryFields);
  });

  it.each([
    {
      name: 'a categorical metric with known categories and a catch-all',
      text: source(
        '  - { name: intent, kind: categorical, categories: { known: [nav, info], other: other } }\n',
      ),
      want: [],
    },
    {
      name: 'categories on a count',
      text: source('  - { name: queries, kind: count, categories: { known: [nav] } }\n'),
      want: ['7:35 categories-kind metric "search/queries" lists categories but is of kind count'],
    },
    {
      name: 'the catch-all among the known categories',
      text: source(
        '  - { name: intent, kind: categorical, categories: { known: [nav, other], other: other } }\n',
      ),
      want: [
        '7:82 categories-other-known metric "search/intent": the catch-all "other" is also listed in categories.known',
      ],
    },
    {
      name: 'a mix-shift check on a count metric',
      text: source('  - { name: queries, kind: count, checks: { category-mix-shift: { enabled: true } } }\n'),
      want: [
        '7:45 check-not-applicable metrics[0].checks.category-mix-shift: check "category-mix-shift" does not apply here: it reads counts per category, and queries is of kind count (declare kind: categorical)',
      ],
    },
    {
      name: 'the same check turned off (nothing to apply)',
      text: source(
        '  - { name: queries, kind: count, checks: { category-mix-shift: { enabled: false } } }\n',
      ),
      want: [],
    },
    {
      name: 'other-rising on a categorical metric without a catch-all',
      text: source(
        '  - { name: intent, kind: categorical, checks: { category-other-rising: { options: { z: 3 } } } }\n',
      ),
      want: [
        '7:50 check-not-applicable metrics[0].checks.category-other-rising: check "category-other-rising" does not apply here: it watches the catch-all category, and intent declares none (add categories: { other: other })',
      ],
    },
    {
      name: 'band-convergence on a source with no ordered ratio',
      text: source(
        '  - { name: queries, kind: count }\n',
        'checks:\n  band-convergence: { options: { z: 4 } }\n',
      ),
      want: [
        '7:3 check-not-applicable checks.band-convergence: check "band-convergence" does not apply here: no metric of the source qualifies (it compares rates of two counts, and queries declares no numerator and denominator)',
      ],
    },
    {
      name: 'an unknown option of a categorical check',
      text: source(
        '  - { name: intent, kind: categorical, checks: { category-new: { options: { minshare: 0.1 } } } }\n',
      ),
      want: [expect.stringMatching(/check-options .*minshare/)],
    },
  ])('$name', ({ text, want }) => {
    expect(run(text)).toEqual(want);
  });
});
