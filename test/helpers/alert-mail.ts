// An alert with a chart, queued in a store the way a poll queues it: a month of history, then a rejected metric.
import type { ManualClock } from '../../src/core/clock.js';
import type { RawObservation } from '../../src/core/observation.js';
import { processFindings } from '../../src/pipeline/process-findings.js';
import type { Store } from '../../src/store/store.js';
import { contractSet, feature, finding } from './gate-fixtures.js';

export const ALERT_CONTRACTS = contractSet(
  ['page_post_engagements'],
  [feature('engagement_rate_7d', ['meta/page_post_engagements'])],
);

/**
 * Record 28 days of page_post_engagements for page 111 (February 2026), then process a `metric-invalid` finding on
 * it at `clock`: one alert per recipient lands in the outbox, each with a chart of that month. Returns the finding's
 * fingerprint and how many rows were queued.
 */
export async function queueChartedAlert(
  store: Store,
  clock: ManualClock,
  options: { publicUrl?: string; recipients?: string[] } = {},
): Promise<{ fingerprint: string; queued: number }> {
  const observations: RawObservation[] = [];
  for (let d = 1; d <= 28; d++) {
    const day = new Date(Date.UTC(2026, 1, d)).toISOString().slice(0, 10);
    observations.push({
      source: 'meta',
      metric: 'page_post_engagements',
      entity: '111',
      periodEnd: `${day}T08:00:00.000Z`,
      day,
      value: 1000 + d * 10,
      jsonType: 'int',
    });
  }
  await store.recordPoll({
    source: 'meta',
    startedAt: '2026-03-15T06:59:00.000Z',
    finishedAt: '2026-03-15T07:00:00.000Z',
    outcome: 'ok',
    fetch: { observations, requests: [], metricOutcomes: [] },
  });
  const f = finding('page_post_engagements', { evidence: { graphCode: 100, lastValue: 1280 } });
  const result = await processFindings({
    store,
    contracts: ALERT_CONTRACTS,
    source: 'meta',
    findings: [f],
    pollOutcome: 'ok',
    now: clock.now(),
    defaults: {
      recipients: options.recipients ?? ['oncall@example.com'],
      messageIdHost: 'upwatch.test',
      ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    },
  });
  return { fingerprint: f.fingerprint, queued: result.queued };
}
