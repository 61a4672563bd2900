// JUnit XML output of `upwatch ci`: one test case per checked contract file, source and feature (GitLab, Jenkins, Azure).
import type { CiIssue } from '../issue.js';
import { failsAt, type CiCheck, type CiResult } from '../result.js';

/** Escape text for XML content and attribute values; drops characters XML 1.0 cannot carry. */
export function xmlEscape(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function issueLine(i: CiIssue): string {
  return `${i.location.file}:${i.location.line}:${i.location.col}  ${i.severity}  ${i.message}  [${i.rule}]`;
}

function attrs(a: Record<string, string | number>): string {
  return Object.entries(a)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');
}

/**
 * Render a result as JUnit XML: `failure` = an issue at or above the fail level, `error` = could not verify
 * (`--require-health` without a health source). `classname` is the contract file, `name` the thing checked;
 * the pair is unique.
 *
 * @example
 * <testcase classname="contracts/features.yaml" name="feature engagement_7d"><failure type="upwatch/metric-deprecated" …
 */
export function formatJunit(r: CiResult): string {
  const byFingerprint = new Map(r.issues.map((i) => [i.fingerprint, i]));
  const suites = new Map<string, CiCheck[]>();
  for (const c of r.checks) suites.set(c.file, [...(suites.get(c.file) ?? []), c]);
  const total = r.checks.length;
  const failures = r.checks.filter((c) => c.status === 'fail').length;
  const errors = r.checks.filter((c) => c.status === 'unverified').length;
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites${attrs({ name: 'upwatch ci', tests: total, failures, errors, time: 0 })}>`);
  for (const [file, checks] of [...suites.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const sf = checks.filter((c) => c.status === 'fail').length;
    const se = checks.filter((c) => c.status === 'unverified').length;
    out.push(
      `  <testsuite${attrs({ name: file, tests: checks.length, failures: sf, errors: se, skipped: 0, time: 0 })}>`,
    );
    const seen = new Set<string>();
    for (const c of checks) {
      let name = c.name;
      for (let n = 2; seen.has(name); n++) name = `${c.name} (${n})`;
      seen.add(name);
      const issues = c.issues.map((f) => byFingerprint.get(f)!).filter(Boolean);
      const open = `    <testcase${attrs({ classname: file, name, time: 0 })}`;
      const body: string[] = [];
      if (c.status === 'fail') {
        const failing = issues.filter((i) => failsAt(i.severity, r.failOn));
        const first = failing[0] ?? issues[0]!;
        body.push(
          `      <failure${attrs({ type: first.rule, message: first.message })}>${xmlEscape(failing.map(issueLine).join('\n'))}</failure>`,
        );
      } else if (c.status === 'unverified') {
        body.push(
          `      <error${attrs({ type: 'upwatch/health-unverified', message: `could not verify the current health of the metrics (${r.health.detail})` })}>${xmlEscape('--require-health was set and neither the store nor the status file could be read')}</error>`,
        );
      }
      const rest = issues.filter((i) => c.status !== 'fail' || !failsAt(i.severity, r.failOn));
      if (rest.length > 0)
        body.push(`      <system-out>${xmlEscape(rest.map(issueLine).join('\n'))}</system-out>`);
      out.push(body.length === 0 ? `${open}/>` : `${open}>\n${body.join('\n')}\n    </testcase>`);
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
