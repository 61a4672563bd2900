import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../core/diagnostic.js';
import { loadContractTexts } from './load.js';
import { displayPath, pointerToPath } from './schema-errors.js';

const SOURCE = `apiVersion: upwatch/v1
kind: Source
name: meta
owners: [a@example.com]
provider: meta-graph
connection:
  apiVersion: v24.0
  accessToken: \${META_PAGE_TOKEN}
  pages: ["1"]
schedule: "0 7 * * *"
metrics:
  - name: page_media_view
    kind: count
  - name: page_follows
    kind: count
  - name: engaged_share
    kind: ratio
`;

/** Load SOURCE with one substitution and return its errors as `line:col code message | hint`. */
function errorsOf(from: string, to: string): string[] {
  if (!SOURCE.includes(from)) throw new Error(`SOURCE has no ${from}`);
  const r = loadContractTexts([{ path: 'c.yaml', text: SOURCE.replace(from, to) }], { rules: [] });
  return r.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => `${d.line}:${d.col} ${d.code} ${d.message}${d.hint ? ` | ${d.hint}` : ''}`);
}

describe('schema errors are located and phrased for people', () => {
  it('formats the STYLE.md example exactly', () => {
    const r = loadContractTexts(
      [{ path: 'contracts/meta.yaml', text: SOURCE.replace('kind: ratio', 'kind: rate') }],
      {
        rules: [],
      },
    );
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'contracts/meta.yaml:17:11  error  metrics[2].kind must be one of count, ratio, percent, amount, gauge, categorical (got "rate")  [schema]\n' +
        '  hint: a 0..1 share is "ratio"; a 0..100 share is "percent"',
    ]);
  });

  it.each([
    [
      'schedule: "0 7 * * *"',
      'schedule: 5',
      '10:11 schema schedule must be a string (got number 5) | a cron expression in quotes, e.g. schedule: "0 7 * * *" (07:00 every day)',
    ],
    [
      'metrics:',
      'metircs:',
      '11:1 unknown-key unknown key "metircs" in Source "meta" | did you mean "metrics"?',
    ],
    [
      'provider: meta-graph',
      'provider: meta-grpah',
      '5:11 schema provider must be one of meta-graph, http-json, push (got "meta-grpah") | did you mean "meta-graph"?',
    ],
    [
      '  pages: ["1"]',
      '  pages: [104100000000001]',
      '9:11 schema connection.pages[0] must be a string (got number 104100000000001) | quote page ids so YAML keeps every digit: pages: ["104100000000001"]',
    ],
    [
      '  apiVersion: v24.0',
      '  apiVersion: 24.0',
      '7:15 schema connection.apiVersion must be a string (got number 24) | pin the version you tested with, e.g. apiVersion: v24.0 (quoted or not, with the "v")',
    ],
    [
      '  apiVersion: v24.0',
      '  apiVersion: latest',
      '7:15 schema connection.apiVersion must be a Graph API version like "v24.0" (got "latest") | pin the version you tested with, e.g. apiVersion: v24.0 (quoted or not, with the "v")',
    ],
    [
      'owners: [a@example.com]',
      'owners: [growth team]',
      '4:10 schema owners[0] must be an email address (got "growth team") | owners are email addresses, e.g. growth-data@example.com',
    ],
    [
      'owners: [a@example.com]',
      'owners: []',
      '4:9 schema owners must not be empty | list at least one email address, e.g. owners: [growth-data@example.com]',
    ],
    [
      'owners: [a@example.com]\n',
      '',
      '1:1 missing-field Source "meta" is missing required field "owners" | list at least one email address, e.g. owners: [growth-data@example.com]',
    ],
    [
      '  pages: ["1"]\n',
      '',
      '6:1 missing-field connection is missing required field "pages" | quote page ids so YAML keeps every digit: pages: ["104100000000001"]',
    ],
    [
      '    kind: ratio',
      '    kind: amount',
      '16:5 missing-field metrics[2] is missing required field "unit" | add unit: to metrics[2]',
    ],
    [
      '    kind: ratio',
      '    kind: ratio\n    range: { min: "0" }',
      '18:19 schema metrics[2].range.min must be a number (got "0")',
    ],
    [
      'name: meta',
      'name: Meta Insights',
      '3:7 schema name must be lower-case letters, digits, ".", "_" or "-" (no "/") (got "Meta Insights")',
    ],
    [
      '  - name: page_follows',
      '  - name: page_follows\n    checks: { Frozen_Run: { enabled: false } }',
      '15:15 schema key "Frozen_Run" in metrics[1].checks must be a detector id such as "frozen-run"',
    ],
    [
      '    kind: count\n  - name: page_follows',
      '    kind: count\n    checks: { frozen-run: { enabled: "no" } }\n  - name: page_follows',
      '14:38 schema metrics[0].checks.frozen-run.enabled must be true or false (got "no")',
    ],
  ])('%s → %s', (from, to, expected) => {
    expect(errorsOf(from, to)).toEqual([expected]);
  });

  it('reports http-json selector problems and dependent fields', () => {
    const text = `apiVersion: upwatch/v1
kind: Source
name: partner
owners: [a@example.com]
provider: http-json
connection:
  url: https://x.example.com/stats
  select: { records: "data[", time: day, metric: name }
schedule: "0 7 * * *"
metrics: [{ name: views, kind: count }]
`;
    const r = loadContractTexts([{ path: 'c.yaml', text }], { rules: [] });
    expect(r.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`)).toEqual([
      '8:22 connection.select.records must be a dotted path such as "data" or "results[].stats.views" (got "data[")',
      '8:42 connection.select sets "metric" but not "value"',
    ]);
  });
});

describe('paths', () => {
  it.each([
    ['', []],
    ['/metrics/2/kind', ['metrics', 2, 'kind']],
    ['/connection/headers/X-Api~1Key', ['connection', 'headers', 'X-Api/Key']],
  ])('%s', (pointer, path) => {
    expect(pointerToPath(pointer)).toEqual(path);
  });

  it('displays JSON paths like code', () => {
    expect(displayPath(['metrics', 2, 'kind'])).toBe('metrics[2].kind');
    expect(displayPath(['connection', 'headers', 'X-Api-Key'])).toBe('connection.headers.X-Api-Key');
    expect(displayPath(['connection', 'headers', 'x api'])).toBe('connection.headers["x api"]');
  });
});
