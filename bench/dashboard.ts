// Dashboard response times on a large store: 1,000 features and 10,000 open findings over 1,000 metrics with 60 days
// of history each, every page and endpoint requested in-process (Hono's app.request, no network), median of 5.
import { performance } from 'node:perf_hooks';
import { BREAKER_DEFAULTS } from '../src/core/breaker.js';
import type { RawObservation } from '../src/core/observation.js';
import { dashboardApp } from '../src/serve/app.js';
import { openStore } from '../src/store/store.js';
import { contractSet, feature, finding } from '../test/helpers/gate-fixtures.js';
import { addDays } from '../src/core/clock.js';

const FEATURES = 1000;
const FINDINGS_PER_METRIC = 10;
const DAYS = 60;
const NOW = new Date('2026-03-20T07:00:00Z');

export async function run(): Promise<string> {
  const metrics = Array.from({ length: FEATURES }, (_, i) => `m${i}`);
  const contracts = contractSet(
    metrics,
    metrics.map((m, i) => feature(`f${i}`, [`meta/${m}`])),
  );
  const store = openStore(':memory:');
  const observations: RawObservation[] = metrics.flatMap((metric) =>
    Array.from({ length: DAYS }, (_, d) => {
      const day = addDays('2026-01-19', d);
      return {
        source: 'meta',
        metric,
        entity: '111',
        periodEnd: `${day}T23:00:00.000Z`,
        day,
        value: 100 + d,
        jsonType: 'int' as const,
      };
    }),
  );
  await store.recordPoll({
    source: 'meta',
    startedAt: NOW.toISOString(),
    finishedAt: NOW.toISOString(),
    outcome: 'ok',
    fetch: { observations, requests: [], metricOutcomes: [], servedVersion: 'v24.0' },
  });
  await store.transaction(async () => {
    for (const metric of metrics) {
      for (let k = 0; k < FINDINGS_PER_METRIC; k++) {
        const f = finding(
          metric,
          { entities: [`e${k}`], rule: `rule-${k}`, subject: `s${k}`, severity: k === 0 ? 'block' : 'warn' },
          NOW.toISOString(),
        );
        await store.findings.insert({
          ...f,
          episode: 1,
          status: 'open',
          firstSeen: NOW.toISOString(),
          lastSeen: NOW.toISOString(),
          goodPollsSinceAbsent: 0,
          lifecycle: 'condition',
        });
      }
    }
  });
  const open = await store.findings.active();
  const app = dashboardApp({
    store,
    contracts,
    storePath: ':memory:',
    contractsDir: 'contracts',
    now: () => NOW,
    secrets: [],
    breaker: BREAKER_DEFAULTS,
  });
  const paths = [
    '/',
    '/findings',
    '/findings?severity=block&source=meta',
    `/findings/${open[0]!.fingerprint}`,
    '/api/status',
    '/metrics',
  ];
  const rows: string[] = [];
  for (const path of paths) {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const res = await app.request(path);
      bytes = (await res.text()).length;
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    rows.push(
      `| \`${path.replace(/[0-9a-f]{16,}/, 'FP')}\` | ${times[2]!.toFixed(0)} ms | ${(bytes / 1024).toFixed(0)} KB |`,
    );
  }
  await store.close();
  const out = [
    `${FEATURES} features, ${open.length} open findings, ${FEATURES} metrics × ${DAYS} days of history (in-memory SQLite)`,
    '',
    '| request | median of 5 | body |',
    '|---|---|---|',
    ...rows,
  ].join('\n');
  console.log(out);
  return out;
}
