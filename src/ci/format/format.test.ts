import { describe, expect, it } from 'vitest';
import type { Severity } from '../../core/contract.js';
import { makeIssue, type CiIssue } from '../issue.js';
import { buildResult, type CiResult, type FailOn } from '../result.js';
import { ANNOTATIONS_PER_KIND, escapeData, escapeProperty, formatGithub } from './github.js';
import { formatJunit, xmlEscape } from './junit.js';
import { formatMarkdown, MAX_SUMMARY_BYTES } from './markdown.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';

function issue(
  n: number,
  severity: Severity,
  message = `message ${n}`,
  file = 'contracts/features.yaml',
): CiIssue {
  return makeIssue(
    {
      rule:
        severity === 'block'
          ? 'upwatch/metric-deprecated'
          : severity === 'warn'
            ? 'upwatch/metric-at-risk'
            : 'upwatch/owners-changed',
      severity,
      origin: 'health',
      message,
      location: { file, line: n + 1, col: 5 },
      feature: `f${n}`,
    },
    [`f${n}`],
  );
}

function result(issues: CiIssue[], failOn: FailOn = 'block', verified = true): CiResult {
  return buildResult({
    version: '0.1.0',
    now: new Date('2026-11-20T09:00:00Z'),
    base: { ref: 'origin/main', commit: 'a'.repeat(40), mergeBase: false },
    head: { ref: null, commit: null, worktree: true },
    contractsDir: 'contracts',
    failOn,
    health: { origin: verified ? 'store' : 'knowledge', verified, required: !verified, detail: 'x' },
    issues,
    headFiles: ['contracts/features.yaml'],
    sources: [],
    features: [...new Set(issues.map((i) => i.feature!))].map((name) => ({
      name,
      file: 'contracts/features.yaml',
    })),
  });
}

describe('GitHub annotations', () => {
  it.each([
    ['100% sure', '100%25 sure', '100%25 sure'],
    ['a\r\nb', 'a%0D%0Ab', 'a%0D%0Ab'],
    ['x: y, z', 'x: y, z', 'x%3A y%2C z'],
    ['%0A literal', '%250A literal', '%250A literal'],
  ])('escapes %j like actions/toolkit', (raw, data, property) => {
    expect(escapeData(raw)).toBe(data);
    expect(escapeProperty(raw)).toBe(property);
  });

  it('escapes file, title and message of each annotation', () => {
    const out = formatGithub(
      result([issue(1, 'block', 'uses a,b: 50%\nsecond line', 'contracts/odd, name:x.yaml')]),
    );
    expect(out.split('\n')[0]).toBe(
      '::error file=contracts/odd%2C name%3Ax.yaml,line=2,endLine=2,col=5,title=upwatch/metric-deprecated::uses a,b: 50%25%0Asecond line',
    );
  });

  it('shows at most 10 annotations per kind, most serious first, then one notice with the rest', () => {
    const issues = [
      ...Array.from({ length: 13 }, (_, i) => issue(i, 'block')),
      ...Array.from({ length: 11 }, (_, i) => issue(100 + i, 'warn')),
      ...Array.from({ length: 3 }, (_, i) => issue(200 + i, 'info')),
    ];
    const lines = formatGithub(result(issues)).trim().split('\n');
    expect(lines.filter((l) => l.startsWith('::error ')).length).toBe(ANNOTATIONS_PER_KIND);
    expect(lines.filter((l) => l.startsWith('::warning ')).length).toBe(ANNOTATIONS_PER_KIND);
    const notices = lines.filter((l) => l.startsWith('::notice '));
    expect(notices.length).toBeLessThanOrEqual(ANNOTATIONS_PER_KIND);
    expect(notices.at(-1)).toBe(
      '::notice title=upwatch ci::3 more errors, 1 more warning not shown as annotations; see the step summary or run with --format text',
    );
    expect(lines[0]!.startsWith('::error ')).toBe(true);
  });
});

describe('JUnit', () => {
  it('escapes markup and drops characters XML cannot carry', () => {
    expect(xmlEscape(`<a href="x">'&'</a>\u0001`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;',
    );
    const xml = formatJunit(result([issue(1, 'block', 'uses <page_engaged_users> & more')]));
    expect(xml).toContain('message="uses &lt;page_engaged_users&gt; &amp; more"');
  });

  it('reports could-not-verify as an error, a blocking issue as a failure, a warning as output', () => {
    const xml = formatJunit(result([issue(1, 'block'), issue(2, 'warn')], 'block', false));
    expect(xml).toMatch(
      /<testcase classname="contracts\/features.yaml" name="feature f1" time="0">\n {6}<failure type="upwatch\/metric-deprecated"/,
    );
    expect(xml).toMatch(/name="feature f2" time="0">\n {6}<error type="upwatch\/health-unverified"/);
    expect(xml).toContain(
      '<system-out>contracts/features.yaml:3:5  warn  message 2  [upwatch/metric-at-risk]</system-out>',
    );
    expect(xml).toMatch(/<testsuites name="upwatch ci" tests="3" failures="1" errors="1"/);
  });

  it('fails warn-level checks under --fail-on warn', () => {
    expect(formatJunit(result([issue(2, 'warn')], 'warn'))).toContain(
      '<failure type="upwatch/metric-at-risk"',
    );
  });
});

describe('SARIF', () => {
  it('keeps rule ids and fingerprints stable when only the message changes', () => {
    const a = JSON.parse(formatSarif(result([issue(1, 'block', 'one wording')])));
    const b = JSON.parse(formatSarif(result([issue(1, 'block', 'another wording')])));
    expect(a.runs[0].results[0].partialFingerprints).toEqual(b.runs[0].results[0].partialFingerprints);
    expect(a.runs[0].tool.driver.rules[0]).toMatchObject({
      id: 'upwatch/metric-deprecated',
      shortDescription: { text: 'Uses a deprecated upstream metric' },
      helpUri: expect.stringMatching(/^https:\/\/.*#metric-deprecated$/),
    });
    expect(a.runs[0].results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'contracts/features.yaml', uriBaseId: 'SRCROOT' },
      region: { startLine: 2, startColumn: 5 },
    });
  });
});

describe('text and markdown', () => {
  it('prints compiler-style lines, most serious first, and the verdict', () => {
    const text = formatText(result([issue(5, 'info'), issue(1, 'block'), issue(3, 'warn')]));
    const lines = text.split('\n').filter((l) => l.startsWith('contracts/'));
    expect(lines).toEqual([
      'contracts/features.yaml:2:5  error  message 1  [upwatch/metric-deprecated]',
      'contracts/features.yaml:4:5  warning  message 3  [upwatch/metric-at-risk]',
      'contracts/features.yaml:6:5  info  message 5  [upwatch/owners-changed]',
    ]);
    expect(text).toContain(
      'upwatch ci FAILED: 1 blocking, 1 warning, 1 info; 3 features checked; fail-on block (exit 1)',
    );
  });

  it('keeps the step summary under the 1 MiB limit and says what it left out', () => {
    const big = Array.from({ length: 4000 }, (_, i) => issue(i, 'warn', 'x'.repeat(400)));
    const md = formatMarkdown(result(big));
    expect(Buffer.byteLength(md)).toBeLessThan(MAX_SUMMARY_BYTES);
    expect(md).toMatch(/_\d+ more issues omitted \(summary size limit\)\._/);
  });
});
