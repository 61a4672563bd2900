// The claims-warehouse project of the pushed-ratio tests: claims and policies pushed per risk band, their ratio a KPI
// of the underwriting model, and the day labels of its history.

/** Contracts: a push source with claims, policies and claim_rate = claims / policies, a feature and a Model. */
export const CLAIMS_WAREHOUSE_CONTRACTS = `apiVersion: upwatch/v1
kind: Source
name: claims-warehouse
owners: [claims-data@example.com]
provider: push
freshnessHours: 30
metrics:
  - { name: claims, kind: count }
  - { name: policies, kind: count }
  - { name: claim_rate, kind: ratio, numerator: claims, denominator: policies }
---
apiVersion: upwatch/v1
kind: Feature
name: risk_band_inputs
owners: [underwriting-ml@example.com]
uses: [claims-warehouse/policies]
---
apiVersion: upwatch/v1
kind: Model
name: underwriting
owners: [uw-model@example.com]
features: [risk_band_inputs]
kpis: [claims-warehouse/claim_rate]
`;

/** The ISO day `i` days after 2026-02-01, the first day of the tests' pushed history. */
export function claimsDay(i: number): string {
  return new Date(Date.UTC(2026, 1, 1) + i * 86_400_000).toISOString().slice(0, 10);
}
