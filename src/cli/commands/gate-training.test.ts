import { describe, expect, it } from 'vitest';
import type { Advice, AdviceSpan, SpanWeight } from '../../advisor/advice.js';
import type { GateState } from '../../core/gate.js';
import { trainingGate } from './gate-training.js';

function advice(weights: SpanWeight[], unverified = false): Advice {
  const spans: AdviceSpan[] = weights.map((weight) => ({
    kind: 'taxonomy',
    feature: 'intent_7d',
    source: 'search-logs',
    metric: 'query_intent',
    entity: '*',
    from: '2026-06-01',
    to: '2026-06-28',
    action: 'ok',
    weight,
    reason: 'r',
  }));
  return {
    window: { from: '2026-06-01', to: '2026-06-28' },
    features: ['intent_7d'],
    verdict: 'retrain',
    spans,
    inputs: [
      { feature: 'intent_7d', source: 'search-logs', metric: 'query_intent', daysWithData: 28, entities: 2 },
    ],
    unverified: unverified ? [{ source: 'search-logs', metric: 'query_intent' }] : [],
    eventLinks: [],
  };
}

describe('trainingGate', () => {
  it.each<{ weights: SpanWeight[]; unverified?: boolean; state: GateState }>([
    { weights: [], state: 'ok' },
    { weights: ['decided'], state: 'ok' },
    { weights: ['note'], state: 'warn' },
    { weights: [], unverified: true, state: 'warn' },
    { weights: ['fix'], state: 'blocked' },
    { weights: ['wait'], state: 'blocked' },
    { weights: ['investigate'], state: 'blocked' },
    { weights: ['note', 'investigate'], state: 'blocked' },
  ])('$weights (unverified: $unverified) → $state', ({ weights, unverified, state }) => {
    expect(trainingGate(advice(weights, unverified))[0]!.state).toBe(state);
  });
});
