import { describe, expect, it } from 'vitest';
import type { FindingRecord } from '../core/finding-record.js';
import { contractSet, finding } from '../../test/helpers/gate-fixtures.js';
import { findingTitle, keepTitle, upstreamName } from './title.js';

function rec(extra: Partial<FindingRecord>): FindingRecord {
  return {
    ...finding('page_fans', { class: 'frozen', rule: 'frozen-run', title: undefined, evidence: {} }),
    id: 1,
    episode: 1,
    status: 'open',
    firstSeen: '2026-03-14T07:00:00.000Z',
    lastSeen: '2026-03-14T07:00:00.000Z',
    goodPollsSinceAbsent: 0,
    lifecycle: 'condition',
    ...extra,
  };
}

describe('keepTitle', () => {
  // before: frozen-run "frozen for 5 days" at `was`; the draft: `rule` at `severity` titled `title`.
  it.each([
    [
      'same rule: the draft may retitle',
      'block',
      'frozen-run',
      'block',
      'frozen for 6 days',
      'frozen-run',
      'frozen for 6 days',
    ],
    [
      'another rule, same severity: keeps rule and title',
      'block',
      'frozen-panel',
      'block',
      'panel frozen',
      'frozen-run',
      'frozen for 5 days',
    ],
    [
      'another rule, milder: keeps rule and title',
      'block',
      'frozen-panel',
      'warn',
      'panel frozen',
      'frozen-run',
      'frozen for 5 days',
    ],
    [
      'another rule, more severe: renamed',
      'warn',
      'frozen-panel',
      'block',
      'panel frozen',
      'frozen-panel',
      'panel frozen',
    ],
  ] as const)('%s', (_, was, rule, severity, title, wantRule, wantTitle) => {
    const before = rec({ rule: 'frozen-run', severity: was, title: 'frozen for 5 days' });
    const next = keepTitle(before, { ...before, rule, severity, title });
    expect([next.rule, next.title, next.severity]).toEqual([wantRule, wantTitle, severity]);
  });

  it('drops a draft title when the kept rule had none, so the title is built from the kept rule', () => {
    const before = rec({ rule: 'frozen-run' });
    const next = keepTitle(before, { ...before, rule: 'frozen-panel', title: 'panel frozen' });
    expect(findingTitle(next)).toBe('page_fans frozen (frozen-run)');
  });
});

describe('findingTitle', () => {
  it('names the vendor of a meta-graph source as mail does', () => {
    const f = rec({ class: 'deprecation', rule: 'metric-invalid', evidence: { graphCode: 100 } });
    expect(findingTitle(f, upstreamName(contractSet(['page_fans'], []), 'meta'))).toBe(
      'page_fans rejected by Meta (#100)',
    );
    expect(upstreamName(undefined, 'partner')).toBe('partner');
  });
});
