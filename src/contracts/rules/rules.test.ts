import { describe, expect, it } from 'vitest';
import type { Detector } from '../../core/detector.js';
import { loadContractTexts } from '../load.js';
import { checkOverridesRule } from './check-overrides.js';
import { RULES } from './index.js';
import { knownReferences } from './known-references.js';
import type { ContractRule } from './rule.js';
import { secretsSet } from './secrets-set.js';
import { uniqueNames } from './unique-names.js';
import { unusedMetrics } from './unused-metrics.js';
import { validRanges } from './valid-ranges.js';
import { validSchedule } from './valid-schedule.js';

const source = (name: string, extra = '', metrics = '  - { name: page_media_view, kind: count }\n') =>
  `apiVersion: upwatch/v1
kind: Source
name: ${name}
owners: [a@example.com]
provider: meta-graph
connection:
  apiVersion: v24.0
  accessToken: \${META_PAGE_TOKEN}
  pages: ["1"]
schedule: "0 7 * * *"
${extra}metrics:
${metrics}`;

const feature = (name: string, uses: string) =>
  `apiVersion: upwatch/v1\nkind: Feature\nname: ${name}\nowners: [b@example.com]\nuses: [${uses}]\n`;

/** Run one rule over files; return `file:line:col severity code message | hint`. */
function run(
  rule: ContractRule,
  files: Record<string, string>,
  env?: (n: string) => string | undefined,
): string[] {
  const r = loadContractTexts(
    Object.entries(files).map(([path, text]) => ({ path, text })),
    { rules: [rule], ...(env ? { env } : {}) },
  );
  return r.diagnostics.map(
    (d) => `${d.file}:${d.line}:${d.col} ${d.severity} ${d.code} ${d.message}${d.hint ? ` | ${d.hint}` : ''}`,
  );
}

describe('RULES', () => {
  it('registers every rule once', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining([
        'unique-names',
        'valid-schedule',
        'known-references',
        'valid-ranges',
        'unused-metrics',
        'secrets-set',
        'check-overrides',
      ]),
    );
  });
});

describe('unique-names', () => {
  it('flags duplicate sources across files, features, metrics and docs', () => {
    const dupMetrics = '  - { name: m, kind: count }\n  - { name: m, kind: gauge }\n';
    const docs =
      'docs:\n  - { name: log, kind: changelog, url: "https://x.example.com/a" }\n  - { name: log, kind: changelog, url: "https://x.example.com/b" }\n';
    expect(
      run(uniqueNames, {
        'a.yaml': source('meta'),
        'b.yaml': `${source('meta', docs, dupMetrics)}---\n${feature('f', 'meta/m')}---\n${feature('f', 'meta/m')}`,
      }),
    ).toEqual([
      'b.yaml:3:7 error duplicate-name source "meta" is declared twice (first at a.yaml:3:7) | rename one of them or remove the copy; source names must be unique',
      'b.yaml:13:13 error duplicate-name doc of source "meta" "log" is declared twice (first at b.yaml:12:13) | rename one of them or remove the copy; doc of source "meta" names must be unique',
      'b.yaml:16:13 error duplicate-name metric of source "meta" "m" is declared twice (first at b.yaml:15:13) | rename one of them or remove the copy; metric of source "meta" names must be unique',
      'b.yaml:26:7 error duplicate-name feature "f" is declared twice (first at b.yaml:20:7) | rename one of them or remove the copy; feature names must be unique',
    ]);
  });
});

describe('valid-schedule', () => {
  it.each([
    ['schedule: "0 7 * * *"', 'schedule: "0 7 * * *"\ntimezone: Europe/Paris', []],
    [
      'schedule: "0 7 * * *"',
      'schedule: "61 7 * * *"',
      [
        'a.yaml:10:11 error invalid-cron schedule "61 7 * * *" is not a valid cron expression: minute "61" is out of range (0-59) | five fields: minute hour day-of-month month day-of-week, e.g. "0 7 * * *" = 07:00 every day',
      ],
    ],
    [
      'schedule: "0 7 * * *"',
      'schedule: "0 7 * * *"\ntimezone: Europe/Pariss',
      [
        'a.yaml:11:11 error invalid-timezone timezone "Europe/Pariss" is not an IANA time zone | did you mean "Europe/Paris"?',
      ],
    ],
    [
      'schedule: "0 7 * * *"',
      'schedule: "0 7 * * *"\ntimezone: Mars/Olympus',
      [
        'a.yaml:11:11 error invalid-timezone timezone "Mars/Olympus" is not an IANA time zone | use a name such as UTC, Europe/Paris or America/Los_Angeles',
      ],
    ],
  ])('%s → %s', (from, to, expected) => {
    expect(run(validSchedule, { 'a.yaml': source('meta').replace(from, to) })).toEqual(expected);
  });
});

describe('known-references', () => {
  const metrics = '  - { name: page_media_view, kind: count }\n  - { name: page_follows, kind: count }\n';
  it.each([
    ['meta/page_media_view', []],
    [
      'meta/page_engaged_userz',
      [
        'a.yaml:19:8 error unknown-metric feature "f" uses "meta/page_engaged_userz" but source "meta" declares no metric "page_engaged_userz" | declared metrics: page_media_view, page_follows; declare "page_engaged_userz" under the source\'s metrics if it exists upstream',
      ],
    ],
    [
      'meta/page_folows',
      [
        'a.yaml:19:8 error unknown-metric feature "f" uses "meta/page_folows" but source "meta" declares no metric "page_folows" | did you mean "page_follows"?',
      ],
    ],
    [
      'mta/page_follows',
      [
        'a.yaml:19:8 error unknown-source feature "f" uses "mta/page_follows" but no source is named "mta" | did you mean "meta"?',
      ],
    ],
    [
      'partner/visits',
      [
        'a.yaml:19:8 error unknown-source feature "f" uses "partner/visits" but no source is named "partner" | declared sources: meta',
      ],
    ],
  ])('uses %s', (uses, expected) => {
    expect(
      run(knownReferences, { 'a.yaml': `${source('meta', '', metrics)}---\n${feature('f', uses)}` }),
    ).toEqual(expected);
  });

  it('suggests among metrics declared in other files too', () => {
    const withUsers = '  - { name: page_engaged_users, kind: count }\n';
    expect(
      run(knownReferences, {
        'a.yaml': source('meta', '', withUsers),
        'b.yaml': feature('f', 'meta/page_engaged_userz'),
      }),
    ).toEqual([
      'b.yaml:5:8 error unknown-metric feature "f" uses "meta/page_engaged_userz" but source "meta" declares no metric "page_engaged_userz" | did you mean "page_engaged_users"?',
    ]);
  });
});

describe('valid-ranges', () => {
  it.each([
    ['{ name: r, kind: ratio, range: { min: 0, max: 1 } }', []],
    ['{ name: r, kind: percent, range: { min: 0, max: 100 } }', []],
    [
      '{ name: r, kind: gauge, range: { min: 5, max: 1 } }',
      [
        'a.yaml:12:36 error invalid-range metric "r" has range.min 5 greater than range.max 1 | swap min and max',
      ],
    ],
    [
      '{ name: r, kind: ratio, range: { max: 100 } }',
      [
        'a.yaml:12:43 error invalid-range metric "r" is a ratio but range.max 100 is outside 0..1 | a ratio is a 0..1 share; for a 0..100 share use kind: percent',
      ],
    ],
    [
      '{ name: r, kind: percent, range: { min: -1 } }',
      [
        'a.yaml:12:45 error invalid-range metric "r" is a percent but range.min -1 is outside 0..100 | a percent is a 0..100 share; for values above 100 use kind: gauge',
      ],
    ],
    [
      '{ name: r, kind: count, range: { min: -3 } }',
      [
        'a.yaml:12:43 warning invalid-range metric "r" is a count but range.min is negative (-3) | a count is never negative; use kind: gauge for values that can be',
      ],
    ],
  ])('%s', (metric, expected) => {
    expect(run(validRanges, { 'a.yaml': source('meta', '', `  - ${metric}\n`) })).toEqual(expected);
  });
});

describe('unused-metrics', () => {
  it('warns about metrics no feature uses', () => {
    const metrics = '  - { name: page_media_view, kind: count }\n  - { name: page_follows, kind: count }\n';
    expect(
      run(unusedMetrics, {
        'a.yaml': `${source('meta', '', metrics)}---\n${feature('f', 'meta/page_media_view')}`,
      }),
    ).toEqual([
      'a.yaml:13:5 warning unused-metric metric "meta/page_follows" is used by no feature | add "meta/page_follows" to a feature\'s uses, or remove the metric to stop polling it',
    ]);
  });
});

describe('secrets-set', () => {
  const http = `apiVersion: upwatch/v1
kind: Source
name: partner
owners: [a@example.com]
provider: http-json
connection:
  url: https://x.example.com/v1/stats?key=\${PARTNER_KEY}
  headers: { Authorization: "Bearer \${PARTNER_API_TOKEN}", X-Team: "\${TEAM}-\${TEAM}" }
  select: { records: data, time: day }
schedule: "0 7 * * *"
metrics: [{ name: visits, kind: count }]
`;
  it('warns once per unset variable and field, naming the variable, never a value', () => {
    const env = (n: string) => (n === 'PARTNER_KEY' ? 'canary-value-4471' : undefined);
    const out = run(secretsSet, { 'a.yaml': http }, env);
    expect(out).toEqual([
      'a.yaml:8:29 warning secret-unset connection.headers.Authorization of source "partner" references ${PARTNER_API_TOKEN}, which is not set | export PARTNER_API_TOKEN where upwatch polls; validation does not need it, polling "partner" does',
      'a.yaml:8:68 warning secret-unset connection.headers.X-Team of source "partner" references ${TEAM}, which is not set | export TEAM where upwatch polls; validation does not need it, polling "partner" does',
    ]);
    expect(out.join('\n')).not.toContain('canary-value-4471');
  });

  it('says nothing without an environment, or when everything is set', () => {
    expect(run(secretsSet, { 'a.yaml': http })).toEqual([]);
    expect(run(secretsSet, { 'a.yaml': http }, () => 'v')).toEqual([]);
  });
});

describe('check-overrides', () => {
  const frozen: Detector<Record<string, unknown>> = {
    id: 'frozen-run',
    title: 'Value repeated improbably long',
    description: '',
    class: 'frozen',
    stage: 'frozen',
    scope: 'metric',
    defaults: { alpha: 1e-6 },
    optionsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: { alpha: { type: 'number', exclusiveMinimum: 0, maximum: 1 }, minRun: { type: 'integer' } },
    },
    detect: () => [],
  };
  const freshness: Detector<Record<string, unknown>> = {
    ...frozen,
    id: 'freshness',
    scope: 'source',
    optionsSchema: { type: 'object' },
  };
  const rule = checkOverridesRule(() => [frozen, freshness]);

  it.each([
    ['checks: { frozen-run: { severity: warn, options: { alpha: 0.001 } } }', []],
    [
      'checks: { frozen-rn: { enabled: false } }',
      [
        'a.yaml:14:15 error unknown-check metrics[0].checks.frozen-rn: no detector has the id "frozen-rn" | did you mean "frozen-run"?',
      ],
    ],
    [
      'checks: { zzz: { enabled: false } }',
      [
        'a.yaml:14:15 error unknown-check metrics[0].checks.zzz: no detector has the id "zzz" | known checks: frozen-run, freshness',
      ],
    ],
    [
      'checks: { frozen-run: { options: { alpha: 2, minRuns: 3 } } }',
      [
        'a.yaml:14:47 error check-options metrics[0].checks.frozen-run.options.alpha must be <= 1 (got number 2)',
        'a.yaml:14:50 error check-options unknown key "minRuns" in metrics[0].checks.frozen-run.options | did you mean "minRun"?',
      ],
    ],
    [
      'checks: { freshness: { enabled: false } }',
      [
        'a.yaml:14:15 warning check-scope check "freshness" applies to a whole source, not to one metric | move it to the source\'s checks',
      ],
    ],
  ])('%s', (checks, expected) => {
    const text = source('meta', '', `  - name: page_media_view\n    kind: count\n    ${checks}\n`);
    expect(run(rule, { 'a.yaml': text })).toEqual(expected);
  });

  it('checks source-level overrides too, and works with an empty registry', () => {
    const text = source('meta', 'checks:\n  freshnes: { enabled: false }\n');
    expect(run(rule, { 'a.yaml': text })).toEqual([
      'a.yaml:12:3 error unknown-check checks.freshnes: no detector has the id "freshnes" | did you mean "freshness"?',
    ]);
    expect(
      run(
        checkOverridesRule(() => []),
        { 'a.yaml': text },
      ),
    ).toEqual([
      'a.yaml:12:3 error unknown-check checks.freshnes: no detector has the id "freshnes" | this build has no detectors registered yet',
    ]);
  });
});
