// One conclusion whatever the path: the same daily history replayed through `poll`'s pipeline (a real
// SQLite store, detectSource + processFindings, a fixed clock per simulated morning) and through the backtest
// (replayFindings, records in memory) ends with the same severity and status per fingerprint: a metric divided by
// 1000 on every entity, a metric that vanished from the data for every entity, and a healthy one.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { addDays } from '../../src/core/clock.js';
import type { ContractSet } from '../../src/core/contract.js';
import type { FindingRecord } from '../../src/core/finding-record.js';
import type { MetricOutcome, RawObservation } from '../../src/core/observation.js';
import { HistorySet } from '../../src/backtest/history-set.js';
import { defaultSource, replayFindings } from '../../src/backtest/replay.js';
import { negBinomial, seeded } from '../../src/core/random.js';
import { detectSource } from '../../src/pipeline/detect.js';
import { processFindings } from '../../src/pipeline/process-findings.js';
import { openStore } from '../../src/store/store.js';
import { tempDir } from '../helpers/temp-dir.js';

const START = '2026-01-05';
const DAYS = 80;
const ONSET = 50;
const ENTITIES = Array.from({ length: 20 }, (_, i) => `page_${String(i).padStart(2, '0')}`);
const SOURCE = 'pages';
const METRICS = ['views', 'clicks', 'reach'] as const;

/** metric → entity → value per day (undefined: not delivered). */
function history(): Map<string, Map<string, (number | undefined)[]>> {
  const r = seeded(1313);
  const out = new Map<string, Map<string, (number | undefined)[]>>();
  for (const m of METRICS) {
    const per = new Map<string, (number | undefined)[]>();
    for (const e of ENTITIES) {
      const level = 300 + 4000 * r();
      per.set(
        e,
        Array.from({ length: DAYS }, (_, t) => {
          const v = negBinomial(r, level * (1 + 0.15 * Math.sin((2 * Math.PI * t) / 7)), 20);
          if (m === 'views' && t >= ONSET) return v / 1000;
          if (m === 'clicks' && t >= ONSET) return undefined;
          return v;
        }),
      );
    }
    out.set(m, per);
  }
  return out;
}

const source = defaultSource(SOURCE, [...METRICS]);
const contracts: ContractSet = { root: '.', files: [], sources: [source], features: [] };
/** The morning after data day `t`, when a daily poll (or the replay) looks at it. */
const morning = (t: number) => new Date(`${addDays(START, t + 1)}T06:00:00.000Z`);

/** Fingerprint → the state a store ends with: `resolved`, or the open episode's severity and lifecycle. */
function finalStates(records: readonly FindingRecord[]): Record<string, string> {
  const latest = new Map<string, FindingRecord>();
  for (const r of records) {
    const prev = latest.get(r.fingerprint);
    if (!prev || r.episode > prev.episode) latest.set(r.fingerprint, r);
  }
  const out: Record<string, string> = {};
  for (const r of latest.values()) {
    if (!r.metric || r.severity === 'info') continue;
    out[`${r.metric} ${r.class}`] = r.status === 'resolved' ? 'resolved' : `${r.severity} ${r.lifecycle}`;
  }
  return out;
}

async function viaPoll(h: ReturnType<typeof history>): Promise<Record<string, string>> {
  const store = openStore(join(tempDir('upwatch-parity-'), 'upwatch.db'));
  try {
    for (let t = 1; t < DAYS; t++) {
      const now = morning(t).toISOString();
      const observations: RawObservation[] = [];
      const metricOutcomes: MetricOutcome[] = [];
      // The first poll also fetches day 0 (the replay starts judging on day 1 with day 0 as history).
      for (const day of t === 1 ? [0, 1] : [t])
        for (const m of METRICS)
          for (const e of ENTITIES) {
            const v = h.get(m)!.get(e)![day];
            if (day === t)
              metricOutcomes.push({ metric: m, entity: e, status: v === undefined ? 'missing' : 'ok' });
            if (v === undefined) continue;
            observations.push({
              source: SOURCE,
              metric: m,
              entity: e,
              periodEnd: `${addDays(START, day + 1)}T00:00:00.000Z`,
              day: addDays(START, day),
              value: v,
              jsonType: Number.isInteger(v) ? 'int' : 'float',
            });
          }
      await store.recordPoll({
        source: SOURCE,
        startedAt: now,
        finishedAt: now,
        outcome: 'ok',
        fetch: { observations, requests: [], metricOutcomes },
      });
      const findings = await detectSource(store, source, morning(t), []);
      await processFindings({ store, contracts, source, findings, pollOutcome: 'ok', now: morning(t) });
    }
    return finalStates(await store.findings.list());
  } finally {
    await store.close();
  }
}

function viaBacktest(h: ReturnType<typeof history>): Record<string, string> {
  const set = new HistorySet();
  for (let t = 0; t < DAYS; t++)
    for (const m of METRICS)
      for (const e of ENTITIES) {
        const v = h.get(m)!.get(e)![t];
        if (v !== undefined)
          set.add({ date: addDays(START, t), source: SOURCE, metric: m, entity: e, value: v });
      }
  set.finish();
  return finalStates(replayFindings(set, { contracts }).records);
}

describe('poll and backtest reach one conclusion', () => {
  it('a ÷1000 change holds blocked, a vanished metric blocks, a healthy one ends with nothing open', async () => {
    const h = history();
    const poll = await viaPoll(h);
    const backtest = viaBacktest(h);
    expect(backtest).toEqual(poll);
    expect(poll['views scale']).toBe('block change');
    expect(poll['clicks deprecation']).toBe('block change');
    expect(Object.entries(poll).filter(([k, v]) => k.startsWith('reach ') && v !== 'resolved')).toEqual([]);
  }, 120_000);
});
