import { describe, expect, it } from 'vitest';
import type { Advice, AdviceSpan } from './advice.js';
import { maskCsv, maskJsonl, trainingMask } from './training-mask.js';

const span = (extra: Partial<AdviceSpan>): AdviceSpan => ({
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
  reason: 'the values moved ÷1000 on 2026-03-14, "panel-scale"',
  ...extra,
});

const advice: Pick<Advice, 'window' | 'spans' | 'inputs'> = {
  window: { from: '2026-03-01', to: '2026-03-28' },
  spans: [
    span({}),
    span({
      kind: 'sunset',
      action: 'ok',
      from: '2026-04-15',
      to: '2026-04-15',
      weight: 'note',
      reason: 'dies',
    }),
    span({
      kind: 'frozen',
      action: 'drop',
      entity: 'p1',
      from: '2026-03-20',
      to: '2026-03-28',
      reason: 'frozen',
    }),
  ],
  inputs: [
    { feature: 'views_7d', source: 'meta', metric: 'page_media_view', daysWithData: 28, entities: 2 },
    { feature: 'views_7d', source: 'meta', metric: 'page_fans', daysWithData: 28, entities: 2 },
  ],
};

describe('the training mask', () => {
  it('has a row per span in the window (no sunset), an ok row per input without one, a factor only to rescale', () => {
    expect(trainingMask(advice).map((r) => [r.metric, r.entity, r.from, r.to, r.action, r.factor])).toEqual([
      ['page_media_view', '*', '2026-03-01', '2026-03-13', 'rescale', 0.001],
      ['page_media_view', 'p1', '2026-03-20', '2026-03-28', 'drop', null],
      ['page_fans', '*', '2026-03-01', '2026-03-28', 'ok', null],
    ]);
  });

  it('writes CSV with a header and quoted fields, and JSON Lines', () => {
    const rows = trainingMask(advice);
    const csv = maskCsv(rows).split('\n');
    expect(csv[0]).toBe('feature,source,metric,entity,from,to,action,factor,reason');
    expect(csv[1]).toBe(
      'views_7d,meta,page_media_view,*,2026-03-01,2026-03-13,rescale,0.001,"the values moved ÷1000 on 2026-03-14, ""panel-scale"""',
    );
    expect(csv[3]).toBe('views_7d,meta,page_fans,*,2026-03-01,2026-03-28,ok,,no unfit span found');
    const jsonl = maskJsonl(rows)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(jsonl).toEqual(rows);
  });
});
