import { describe, expect, it } from 'vitest';
import { composeMail } from '../alerts/compose.js';
import { collectReport } from '../report/collect.js';
import { renderReport } from '../report/render.js';
import { openStore } from '../store/store.js';
import { contractSet, feature, finding } from '../../test/helpers/gate-fixtures.js';
import { evidenceLabel } from './evidence-label.js';

const contracts = contractSet(['page_fans'], [feature('fans_growth', ['meta/page_fans'])]);

describe('no pipeline jargon where owners read', () => {
  it.each([
    ['suppressed', 'also explains (not reported separately)'],
    ['absorbed', 'other checks that saw the same'],
    ['factor', 'factor'],
  ])('evidence key %s reads "%s"', (key, label) => expect(evidenceLabel(key)).toBe(label));

  it('a blocking finding that explains and absorbs other checks says so in words in the mail and the report', async () => {
    const f = finding('page_fans', {
      rule: 'metric-invalid',
      evidence: { graphCode: 100, suppressed: ['restatement'], absorbed: ['announced-deprecation'] },
      explanation:
        'meta answers (#100) for page_fans. It also explains what other checks saw on this metric, not reported ' +
        'separately: restatement. Other checks saw the same: announced-deprecation.',
    });
    const record = {
      ...f,
      id: 1,
      episode: 1,
      status: 'open' as const,
      firstSeen: '2026-03-14T07:00:00.000Z',
      lastSeen: '2026-03-14T07:00:00.000Z',
      goodPollsSinceAbsent: 0,
      lifecycle: 'change' as const,
    };
    const now = new Date('2026-03-14T08:00:00Z');
    const mail = composeMail({
      kind: 'alert',
      items: [
        {
          finding: record,
          change: 'new',
          features: [{ name: 'fans_growth', state: 'blocked', effect: 'block' }],
        },
      ],
      now,
      maxFindings: 25,
    });
    const store = openStore(':memory:');
    try {
      const { id: _id, ...stored } = record;
      await store.findings.insert(stored);
      const html = renderReport(
        await collectReport({ store, contracts, storePath: ':memory:', contractsDir: 'contracts', now }),
      );
      for (const out of [mail.subject, mail.text, mail.html, html])
        expect(out).not.toMatch(/suppress|absorb/i);
      expect(mail.text).toContain('also explains (not reported separately)=restatement');
      expect(html).toContain('other checks that saw the same');
    } finally {
      await store.close();
    }
  });
});
