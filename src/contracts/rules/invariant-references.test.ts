import { describe, expect, it } from 'vitest';
import { loadContractTexts } from '../load.js';
import { RULES } from './index.js';
import { invariantReferences } from './invariant-references.js';

const source = (metrics: string, checks = '') =>
  `apiVersion: upwatch/v1
kind: Source
name: meta
owners: [a@example.com]
provider: meta-graph
connection:
  apiVersion: v24.0
  accessToken: \${META_PAGE_TOKEN}
  pages: ["1"]
schedule: "0 7 * * *"
${checks}metrics:
${metrics}`;

/** Run the rule over one file; return `file:line:col severity code message | hint`. */
function run(text: string): string[] {
  const r = loadContractTexts([{ path: 'a.yaml', text }], { rules: [invariantReferences] });
  return r.diagnostics.map(
    (d) => `${d.file}:${d.line}:${d.col} ${d.severity} ${d.code} ${d.message}${d.hint ? ` | ${d.hint}` : ''}`,
  );
}

const total = '  - { name: page_impressions, kind: count }\n';
const unique = (atMost: string, period = 'day') =>
  `  - name: page_impressions_unique\n    kind: count\n    period: ${period}\n    checks:\n      invariant-broken:\n        options: { atMost: ${atMost} }\n`;

describe('invariant-references', () => {
  it('is registered', () => {
    expect(RULES).toContain(invariantReferences);
  });

  it.each([
    { name: 'a declared metric of the same period', metrics: total + unique('page_impressions'), want: [] },
    {
      name: 'no atMost (inferred or off)',
      metrics: total + '  - { name: page_impressions_unique, kind: count }\n',
      want: [],
    },
    {
      name: 'a misspelled metric',
      metrics: total + unique('page_impresions'),
      want: [
        'a.yaml:18:28 error invariant-unknown-metric metric "meta/page_impressions_unique" must stay at most "page_impresions", but source "meta" declares no metric "page_impresions" | did you mean "page_impressions"?',
      ],
    },
    {
      name: 'a metric the source does not declare',
      metrics: total + unique('page_reach'),
      want: [
        'a.yaml:18:28 error invariant-unknown-metric metric "meta/page_impressions_unique" must stay at most "page_reach", but source "meta" declares no metric "page_reach" | the bound must be a metric of the same source (declared: page_impressions); declare "page_reach" under its metrics',
      ],
    },
    {
      name: 'the metric itself',
      metrics: total + unique('page_impressions_unique'),
      want: [
        'a.yaml:18:28 error invariant-self metric "meta/page_impressions_unique" is declared at most itself (invariant-broken.options.atMost) | name the larger metric of the pair, e.g. atMost: page_impressions on page_impressions_unique',
      ],
    },
    {
      name: 'a metric of another period',
      metrics: total + unique('page_impressions', 'week'),
      want: [
        'a.yaml:18:28 warning invariant-period metric "meta/page_impressions_unique" (period week) is compared with "page_impressions" (period day) day by day | an invariant holds between values of one period; compare metrics with the same period',
      ],
    },
  ])('$name', ({ metrics, want }) => {
    expect(run(source(metrics))).toEqual(want);
  });

  it('refuses atMost on a whole source', () => {
    const checks = 'checks:\n  invariant-broken: { options: { atMost: page_impressions } }\n';
    expect(run(source(total, checks))).toEqual([
      'a.yaml:12:42 error invariant-on-source source "meta" sets invariant-broken.options.atMost for every metric, "page_impressions" included | move atMost: page_impressions to the checks of the metric that must stay below it',
    ]);
  });

  it('leaves a non-string atMost to the options schema (check-overrides)', () => {
    const r = loadContractTexts([{ path: 'a.yaml', text: source(total + unique('[1, 2]')) }]);
    expect(r.diagnostics.filter((d) => d.code.startsWith('invariant-'))).toEqual([]);
    expect(r.diagnostics.map((d) => d.code)).toContain('check-options');
  });
});
