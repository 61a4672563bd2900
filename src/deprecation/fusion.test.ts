import { describe, expect, it } from 'vitest';
import type { FindingDraft } from '../core/finding.js';
import { fuseDrafts } from './fusion.js';

const base: FindingDraft = {
  rule: 'announced-deprecation',
  class: 'deprecation',
  severity: 'warn',
  source: 'meta',
  metric: 'page_fans',
  entities: [],
  onset: '2026-03-01',
  announcedOn: '2026-01-15',
  evidence: { channel: 'changelog' },
  explanation: 'The changelog announces that page_fans is deprecated.',
};

describe('fuseDrafts', () => {
  it('takes the onset from what the upstream did and keeps the earliest announcement apart', () => {
    const runtime: FindingDraft = {
      ...base,
      rule: 'metric-invalid',
      severity: 'block',
      onset: '2026-03-14',
      announcedOn: '2026-02-01',
      evidence: { channel: 'runtime-error', graphCode: 100 },
      explanation: 'meta answers (#100) for page_fans.',
    };
    const [fused] = fuseDrafts([base, runtime]);
    expect(fused).toMatchObject({ rule: 'metric-invalid', onset: '2026-03-14', announcedOn: '2026-01-15' });
  });

  it('keeps the earliest onset when only announcements are fused', () => {
    const [fused] = fuseDrafts([base, { ...base, onset: '2026-02-20', evidence: { channel: 'knowledge' } }]);
    expect(fused!.onset).toBe('2026-02-20');
  });
});
