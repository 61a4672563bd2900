// A warehouse story: loan officers start overriding a credit-limit model's decisions, a trust signal of the model.
import { successes, volume, type PushScenario, type PushValue } from '../push-scenario.js';

/** Branches, their daily decisions, and how often officers overrode the model before the story. */
const BRANCHES = [
  { branch: 'north', decisions: 900, rate: 0.04 },
  { branch: 'south', decisions: 600, rate: 0.05 },
  { branch: 'east', decisions: 300, rate: 0.035 },
];

/** Data day the overrides start rising (after a model release lowered limits for self-employed applicants). */
const RELEASE_DAY = 8;

/** The override rate of data day `day`: ×2.2 over four days from the release, in every branch. */
function overrideRate(base: number, day: number): number {
  if (day < RELEASE_DAY) return base;
  return base * (1 + 1.2 * Math.min(1, (day - RELEASE_DAY + 1) / 4));
}

const CONTRACTS = `apiVersion: upwatch/v1
kind: Source
name: loan-desk
description: Nightly export of the credit-limit model's decisions and the officers' overrides, per branch.
owners: [lending-data@example.com]
provider: push
freshnessHours: 30
metrics:
  - { name: applications, kind: count }
  - { name: decisions, kind: count }
  - { name: overrides, kind: count }
  - name: override_rate
    kind: ratio
    numerator: overrides
    denominator: decisions
    segments: { dimension: branch }
---
apiVersion: upwatch/v1
kind: Feature
name: applications_7d
owners: [credit-ml@example.com]
uses: [loan-desk/applications]
---
apiVersion: upwatch/v1
kind: Model
name: credit-limit
description: Proposes a credit limit for each application; loan officers may override it.
owners: [credit-ml@example.com]
features: [applications_7d]
trustSignals: [loan-desk/override_rate]
`;

/** `trust`: 18 days; from day 8 officers override the model twice as often in every branch. */
export const trust: PushScenario = {
  name: 'trust',
  description:
    'A credit-limit model proposes limits; loan officers may override them. A nightly job pushes decisions and ' +
    'overrides per branch (upwatch ingest). From day 8, after a model release, officers override it more than ' +
    'twice as often in every branch. The override rate is a trust signal of the model: a reason to find out why ' +
    'before anyone retrains.',
  startDate: '2026-07-06',
  days: 18,
  pushTimeUtc: '04:00',
  seed: 15,
  backfillDays: 42,
  contracts: CONTRACTS,
  source: 'loan-desk',
  values(day, rng) {
    const out: PushValue[] = [];
    for (const b of BRANCHES) {
      const decisions = volume(rng(b.branch, 'decisions', day), b.decisions, day, 0.2);
      out.push(
        { metric: 'applications', entity: b.branch, value: Math.round(decisions * 1.15) },
        { metric: 'decisions', entity: b.branch, value: decisions },
        {
          metric: 'overrides',
          entity: b.branch,
          value: successes(rng(b.branch, 'overrides', day), decisions, overrideRate(b.rate, day), 0.08),
        },
      );
    }
    return out;
  },
  notes: [
    { day: 0, text: 'the warehouse job backfills 42 days of decisions and overrides per branch' },
    {
      day: RELEASE_DAY + 1,
      text: 'data day 8: credit-limit v7 lowers limits for self-employed applicants; officers start overriding it',
    },
    { day: RELEASE_DAY + 4, text: 'officers override 2.2× as often as before, in every branch' },
  ],
  naming: {
    rule: 'rate-shift',
    class: 'drift',
    metric: 'override_rate',
    entities: ['south'],
    severity: 'warn',
    day: RELEASE_DAY + 1,
    maxDelayDays: 4,
  },
  alsoExpected: ['panel-scale'],
  advice: { model: 'credit-limit', windowDays: 28, verdict: 'do not retrain yet' },
  gate: [{ feature: 'applications_7d', state: 'ok' }],
};
