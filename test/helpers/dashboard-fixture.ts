// A store for dashboard tests: 78 days of meta/page_media_view, one blocking finding on it, and two features (one
// blocked by it, one clean), in a real SQLite file.
import { join } from 'node:path';
import { BREAKER_DEFAULTS } from '../../src/core/breaker.js';
import type { ContractSet } from '../../src/core/contract.js';
import type { RawObservation } from '../../src/core/observation.js';
import { processFindings } from '../../src/pipeline/process-findings.js';
import type { DashboardOptions } from '../../src/serve/app.js';
import { openStore, type Store } from '../../src/store/store.js';
import { contractSet, feature, finding } from './gate-fixtures.js';

/** The instant the fixture describes. */
export const DASHBOARD_NOW = new Date('2026-03-20T07:00:00Z');

/** The fixture's contracts: `reach_7d` uses the broken metric, `growth_28d` a healthy one. */
export const dashboardContracts: ContractSet = contractSet(
  ['page_media_view', 'page_follows'],
  [feature('reach_7d', ['meta/page_media_view']), feature('growth_28d', ['meta/page_follows'])],
);

function day(n: number): string {
  return new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Build the store in `dir` and return it open (read-write) with the blocking finding's fingerprint.
 *
 * @example
 * const { store, fingerprint } = dashboardStore(tempDir());
 */
export async function dashboardStore(
  dir: string,
): Promise<{ store: Store; path: string; fingerprint: string }> {
  const path = join(dir, 'upwatch.db');
  const store = openStore(path);
  const series = (metric: string, base: number): RawObservation[] =>
    Array.from({ length: 78 }, (_, i) => ({
      source: 'meta',
      metric,
      entity: '111',
      periodEnd: `${day(i + 1)}T08:00:00.000Z`,
      day: day(i),
      value: base + i,
      jsonType: 'int',
    }));
  await store.recordPoll({
    source: 'meta',
    startedAt: DASHBOARD_NOW.toISOString(),
    finishedAt: DASHBOARD_NOW.toISOString(),
    outcome: 'ok',
    fetch: {
      observations: [...series('page_media_view', 1000), ...series('page_follows', 50)],
      requests: [],
      metricOutcomes: [],
      servedVersion: 'v24.0',
    },
  });
  await processFindings({
    store,
    contracts: dashboardContracts,
    source: 'meta',
    findings: [finding('page_media_view', { onset: '2026-03-10' }, DASHBOARD_NOW.toISOString())],
    pollOutcome: 'ok',
    now: DASHBOARD_NOW,
  });
  return { store, path, fingerprint: (await store.findings.active())[0]!.fingerprint };
}

/** Dashboard options on the fixture (no token: read-only unless the test adds one). */
export function dashboardOptions(store: Store, path: string): DashboardOptions {
  return {
    store,
    contracts: dashboardContracts,
    storePath: path,
    contractsDir: 'contracts',
    now: () => DASHBOARD_NOW,
    secrets: [],
    breaker: BREAKER_DEFAULTS,
  };
}
