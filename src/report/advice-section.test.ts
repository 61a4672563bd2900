import { describe, expect, it } from 'vitest';
import type { Advice } from '../advisor/advice.js';
import { adviceSection } from './advice-section.js';

const ctx = { now: Date.parse('2026-03-28T10:00:00Z'), secrets: ['tok-secret-1'] };
const advice: Advice = {
  window: { from: '2026-03-01', to: '2026-03-28' },
  model: 'feed-ranker',
  features: ['views_7d'],
  verdict: 'retrain after fixes',
  spans: [
    {
      kind: 'scale-change',
      feature: 'views_7d',
      source: 'meta',
      metric: 'page_media_view',
      entity: '*',
      from: '2026-03-01',
      to: '2026-03-13',
      action: 'rescale',
      factor: 0.001,
      weight: 'fix',
      reason: 'the values moved ÷1000 on 2026-03-14 <b> (seen at ?access_token=tok-secret-1)',
    },
  ],
  inputs: [{ feature: 'views_7d', source: 'meta', metric: 'page_media_view', daysWithData: 28, entities: 3 }],
  unverified: [],
  eventLinks: [],
};

describe('the retrain section of the report', () => {
  it('shows the verdict per model, a bar per span and the reason, escaped and scrubbed', () => {
    const html = adviceSection(ctx, [advice]);
    expect(html).toContain('model feed-ranker: fit to retrain on 2026-03-01..2026-03-28?');
    expect(html).toContain('<span class="badge state-warn">retrain after fixes</span>');
    expect(html.match(/<rect [^>]*fill="#d1242f"/g)).toHaveLength(1);
    expect(html).toContain('rescale ×0.001');
    expect(html).toContain('&#60;b&#62;');
    expect(html).not.toContain('tok-secret-1');
  });

  it('is empty without models, and says so when a window is clean', () => {
    expect(adviceSection(ctx, [])).toBe('');
    const clean = adviceSection(ctx, [{ ...advice, verdict: 'retrain', spans: [] }]);
    expect(clean).toContain('state-ok');
    expect(clean).toContain('No unfit span in the window.');
    expect(clean).not.toContain('<svg');
  });
});
