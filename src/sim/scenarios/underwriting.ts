// A warehouse story: the predicted-low risk band of an underwriting model starts claiming like the medium band.
import { successes, volume, type PushScenario, type PushValue } from '../push-scenario.js';

/** Predicted risk bands: policies written a day and the claim rate each band had when the model was trained. */
const BANDS = [
  { band: 'low', policies: 4000, rate: 0.02 },
  { band: 'medium', policies: 2500, rate: 0.05 },
  { band: 'high', policies: 800, rate: 0.09 },
];

/** Story day the low band's claims start to climb (data day 8 is pushed on day 9). */
const DRIFT_DAY = 8;

/** The low band's claim rate on data day `day`: 2 %, then up to 4.6 % over five days. */
function lowRate(day: number): number {
  if (day < DRIFT_DAY) return 0.02;
  return 0.02 + 0.026 * Math.min(1, (day - DRIFT_DAY + 1) / 5);
}

const CONTRACTS = `apiVersion: upwatch/v1
kind: Source
name: claims-warehouse
description: Nightly export of policies written and claims filed, per predicted risk band.
owners: [claims-data@example.com]
provider: push
freshnessHours: 30
metrics:
  - { name: policies, kind: count }
  - { name: claims, kind: count }
  - name: claim_rate
    kind: ratio
    numerator: claims
    denominator: policies
    segments: { dimension: risk_band, order: [low, medium, high] }
---
apiVersion: upwatch/v1
kind: Feature
name: policy_volume_28d
owners: [underwriting-ml@example.com]
uses: [claims-warehouse/policies]
---
apiVersion: upwatch/v1
kind: Model
name: underwriting
description: Prices new home policies by predicted risk band.
owners: [underwriting-ml@example.com]
features: [policy_volume_28d]
kpis: [claims-warehouse/claim_rate]
`;

/** `underwriting`: 18 days, the low band converging on the medium band from day 8. */
export const underwriting: PushScenario = {
  name: 'underwriting',
  description:
    'An underwriting model prices policies by predicted risk band; a nightly warehouse job pushes policies and claims ' +
    'per band (upwatch ingest). From day 8 the predicted-low band starts claiming like the medium band: the model ' +
    'no longer separates them. Its claim rate per band is a KPI of the model, checked across bands and over time.',
  startDate: '2026-05-04',
  days: 18,
  pushTimeUtc: '06:00',
  seed: 15,
  backfillDays: 42,
  contracts: CONTRACTS,
  source: 'claims-warehouse',
  values(day, rng) {
    const out: PushValue[] = [];
    for (const b of BANDS) {
      const policies = volume(rng(b.band, 'policies', day), b.policies, day);
      const rate = b.band === 'low' ? lowRate(day) : b.rate;
      out.push(
        { metric: 'policies', entity: b.band, value: policies },
        { metric: 'claims', entity: b.band, value: successes(rng(b.band, 'claims', day), policies, rate) },
      );
    }
    return out;
  },
  notes: [
    { day: 0, text: 'the warehouse job backfills 42 days of policies and claims per risk band' },
    {
      day: DRIFT_DAY + 1,
      text: 'data day 8: the low band claims 2.5 % (was 2 %); a new broker channel writes riskier homes the model scores low',
    },
    { day: DRIFT_DAY + 5, text: 'the low band claims 4.6 %, the medium band 5 %' },
  ],
  naming: {
    rule: 'band-convergence',
    class: 'drift',
    metric: 'claim_rate',
    entities: ['low', 'medium'],
    severity: 'warn',
    day: DRIFT_DAY + 1,
    maxDelayDays: 4,
  },
  alsoExpected: ['rate-shift'],
  advice: { model: 'underwriting', windowDays: 28, verdict: 'do not retrain yet' },
  gate: [{ feature: 'policy_volume_28d', state: 'ok' }],
};
