import { describe, expect, it } from 'vitest';
import type { Severity } from '../core/contract.js';
import { makeIssue, type CiIssue } from './issue.js';
import { buildResult, failsAt, type FailOn } from './result.js';

function issue(rule: CiIssue['rule'], severity: Severity, extra: Partial<CiIssue> = {}): CiIssue {
  return makeIssue({
    rule,
    severity,
    origin: 'change',
    message: rule,
    location: { file: 'contracts/old.yaml', line: 3, col: 1 },
    ...extra,
  });
}

function build(issues: CiIssue[], failOn: FailOn = 'block', verified = true, features = ['f']) {
  return buildResult({
    version: '0.1.0',
    now: new Date('2026-11-20T00:00:00Z'),
    base: { ref: 'main', commit: 'b'.repeat(40), mergeBase: false },
    head: { ref: null, commit: null, worktree: true },
    contractsDir: 'contracts',
    failOn,
    health: { origin: verified ? 'store' : 'knowledge', verified, required: true, detail: '' },
    issues,
    headFiles: ['contracts/new.yaml'],
    sources: [{ name: 'meta', file: 'contracts/new.yaml' }],
    features: features.map((name) => ({ name, file: 'contracts/new.yaml' })),
  });
}

describe('buildResult', () => {
  it.each<[Severity, FailOn, boolean]>([
    ['block', 'block', true],
    ['warn', 'block', false],
    ['warn', 'warn', true],
    ['info', 'warn', false],
    ['block', 'never', false],
  ])('a %s issue fails at --fail-on %s: %s', (severity, failOn, fails) => {
    expect(failsAt(severity, failOn)).toBe(fails);
    expect(build([issue('upwatch/metric-removed', severity, { source: 'meta' })], failOn).exitCode).toBe(
      fails ? 1 : 0,
    );
  });

  it('puts each issue on its feature, source or file check; homeless warnings get a "contract changes" check', () => {
    const r = build([
      issue('upwatch/metric-deprecated', 'block', { feature: 'f', origin: 'health' }),
      issue('upwatch/metric-removed', 'block', { source: 'meta' }),
      issue('upwatch/contract-warning', 'warn', {
        origin: 'validation',
        location: { file: 'contracts/new.yaml', line: 1, col: 1 },
      }),
      issue('upwatch/doc-unwatched', 'warn', { source: 'gone' }),
      issue('upwatch/feature-removed', 'info', { feature: 'old' }),
    ]);
    expect(r.checks.map((c) => [c.kind, c.name, c.file, c.status, c.issues.length])).toEqual([
      ['contract-file', 'valid contract file', 'contracts/new.yaml', 'warn', 1],
      ['source', 'source meta', 'contracts/new.yaml', 'fail', 1],
      ['feature', 'feature f', 'contracts/new.yaml', 'fail', 1],
      ['contract-file', 'contract changes', 'contracts/old.yaml', 'warn', 1],
    ]);
    expect(r.counts).toMatchObject({ block: 2, warn: 2, info: 1, checks: 4, features: 1 });
  });

  it('exits 3 when health was required and not verified, unless the policy failed (1 wins)', () => {
    expect(build([], 'block', false)).toMatchObject({ exitCode: 3, verdict: 'unverified' });
    expect(build([], 'block', false, [])).toMatchObject({ exitCode: 0, verdict: 'pass' });
    expect(build([], 'block', false).checks.find((c) => c.kind === 'feature')?.status).toBe('unverified');
    expect(
      build([issue('upwatch/metric-removed', 'block', { source: 'meta' })], 'block', false),
    ).toMatchObject({
      exitCode: 1,
      verdict: 'fail',
    });
  });
});
