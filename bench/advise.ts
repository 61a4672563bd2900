// Benchmark: `advise` over 1,000 features × 365 days of history from a store file, with planted breaks it must name.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { adviseStore } from '../src/advisor/advise-store.js';
import { trainingMask } from '../src/advisor/training-mask.js';
import { addDays } from '../src/core/clock.js';
import type { ContractSet, FeatureContract } from '../src/core/contract.js';
import { fingerprintOf, type FindingDraft } from '../src/core/finding.js';
import type { FindingRecord } from '../src/core/finding-record.js';
import type { RawObservation } from '../src/core/observation.js';
import { openStore } from '../src/store/store.js';
import { metaSource } from '../test/helpers/contracts.js';

const FEATURES = 1000;
const ENTITIES = 5;
const DAYS = 365;
const START = '2025-01-01';
const LAST = addDays(START, DAYS - 1);
const loc = { file: 'bench.yaml', line: 1, col: 1 };

/** Every 40th metric from offset 0 freezes, 10 is divided by 1000, 20 is removed, 30 has a 3-day burst that reverts. */
type Plant = 'frozen' | 'scale' | 'removed' | 'burst' | 'clean';
const plantOf = (i: number): Plant =>
  i % 40 === 0
    ? 'frozen'
    : i % 40 === 10
      ? 'scale'
      : i % 40 === 20
        ? 'removed'
        : i % 40 === 30
          ? 'burst'
          : 'clean';
const ONSET = { frozen: DAYS - 40, scale: DAYS - 20, removed: DAYS - 10, burst: DAYS - 15 } as const;

function value(i: number, e: number, d: number): number | undefined {
  const base = 1000 + 37 * e + (i % 17) * 11 + ((d * 7 + e) % 13) * 5;
  const plant = plantOf(i);
  if (plant === 'frozen' && e === 0 && d >= ONSET.frozen) return 4242;
  if (plant === 'scale' && d >= ONSET.scale) return base / 1000;
  if (plant === 'removed' && d >= ONSET.removed) return undefined;
  if (plant === 'burst' && d >= ONSET.burst && d < ONSET.burst + 3) return base * 4;
  return base;
}

function plantFinding(i: number, plant: Exclude<Plant, 'clean'>): Omit<FindingRecord, 'id'> {
  const metric = `m_${i}`;
  const onset = addDays(START, ONSET[plant]);
  const draft: FindingDraft =
    plant === 'frozen'
      ? {
          rule: 'frozen-run',
          class: 'frozen',
          severity: 'block',
          source: 'bench',
          metric,
          entities: ['e0'],
          entityShare: 0.2,
          onset,
          evidence: {},
          explanation: 'frozen',
        }
      : plant === 'scale'
        ? {
            rule: 'panel-scale',
            class: 'scale',
            severity: 'block',
            source: 'bench',
            metric,
            entities: [],
            entityShare: 1,
            onset,
            evidence: { factor: 0.001, kappaIqr: [0.00095, 0.00105] },
            explanation: 'scale',
          }
        : plant === 'removed'
          ? {
              rule: 'metric-missing-from-data',
              class: 'deprecation',
              severity: 'block',
              source: 'bench',
              metric,
              entities: [],
              entityShare: 1,
              onset,
              evidence: {},
              explanation: 'gone',
            }
          : {
              rule: 'level-shift',
              class: 'scale',
              severity: 'warn',
              source: 'bench',
              metric,
              entities: [],
              entityShare: 1,
              onset,
              evidence: {},
              explanation: 'burst',
            };
  const at = `${onset}T08:00:00.000Z`;
  return {
    ...draft,
    fingerprint: fingerprintOf(draft),
    detectedAt: at,
    episode: 1,
    status: plant === 'burst' ? 'resolved' : 'open',
    firstSeen: at,
    lastSeen: at,
    goodPollsSinceAbsent: 0,
    lifecycle: plant === 'scale' || plant === 'removed' ? 'change' : 'condition',
    ...(plant === 'burst'
      ? { resolvedAt: `${addDays(onset, 3)}T08:00:00.000Z`, resolution: 'absent' as const }
      : {}),
  };
}

async function buildStore(path: string): Promise<void> {
  const store = openStore(path, { synchronous: 'normal' });
  try {
    for (let d = 0; d < DAYS; d++) {
      const day = addDays(START, d);
      const observations: RawObservation[] = [];
      for (let i = 0; i < FEATURES; i++)
        for (let e = 0; e < ENTITIES; e++) {
          const v = value(i, e, d);
          if (v !== undefined)
            observations.push({
              source: 'bench',
              metric: `m_${i}`,
              entity: `e${e}`,
              periodEnd: `${day}T07:00:00.000Z`,
              day,
              value: v,
              jsonType: 'int',
            });
        }
      await store.recordPoll({
        source: 'bench',
        startedAt: `${day}T08:00:00.000Z`,
        finishedAt: `${day}T08:00:01.000Z`,
        outcome: 'ok',
        fetch: { observations, requests: [], metricOutcomes: [] },
      });
    }
    await store.transaction(async () => {
      for (let i = 0; i < FEATURES; i++) {
        const plant = plantOf(i);
        if (plant !== 'clean') await store.findings.insert(plantFinding(i, plant));
      }
    });
  } finally {
    await store.close();
  }
}

function contracts(): ContractSet {
  const names = Array.from({ length: FEATURES }, (_, i) => `m_${i}`);
  const source = {
    ...metaSource('http://127.0.0.1:1', names),
    name: 'bench',
    provider: 'http-json' as const,
  };
  const features: FeatureContract[] = names.map((m, i) => ({
    name: `f_${i}`,
    owners: ['ml@example.com'],
    uses: [{ source: 'bench', metric: m, location: loc }],
    policy: { blockOn: ['block'], warnOn: ['warn'] },
    model: 'big',
    location: loc,
  }));
  return { root: '.', files: [], sources: [source], features };
}

/** Expected span of a planted break: kind, action, first day. */
const EXPECTED: Record<
  Exclude<Plant, 'clean'>,
  { kind: string; action: string; from: (w: string) => string }
> = {
  frozen: {
    kind: 'frozen',
    action: 'drop',
    from: (w) => (addDays(START, ONSET.frozen) > w ? addDays(START, ONSET.frozen) : w),
  },
  scale: { kind: 'scale-change', action: 'rescale', from: (w) => w },
  removed: { kind: 'removed', action: 'drop', from: () => addDays(START, ONSET.removed) },
  burst: { kind: 'unstable', action: 'ok', from: () => addDays(START, ONSET.burst) },
};

/** Run the advisor benchmark and return a Markdown table. */
export async function run(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'upwatch-bench-advise-'));
  try {
    const path = join(dir, 'bench.db');
    const load = loadavg()[0]!.toFixed(1);
    const t0 = performance.now();
    await buildStore(path);
    const build = (performance.now() - t0) / 1000;
    const set = contracts();
    const rows: string[] = [];
    let planted = 0;
    let found = 0;
    let falseFix = 0;
    for (const [label, window] of [
      ['last 28 days', { from: addDays(LAST, -27), to: LAST }],
      ['whole year', { from: START, to: LAST }],
    ] as const) {
      const store = openStore(path, { readonly: true });
      const c0 = process.cpuUsage();
      const t = performance.now();
      const advice = await adviseStore({
        store,
        contracts: set,
        model: 'big',
        window,
        now: new Date(`${LAST}T10:00:00Z`),
      });
      const mask = trainingMask(advice);
      const wall = (performance.now() - t) / 1000;
      const c = process.cpuUsage(c0);
      await store.close();
      for (let i = 0; i < FEATURES; i++) {
        const plant = plantOf(i);
        const spans = advice.spans.filter((s) => s.feature === `f_${i}`);
        if (plant === 'clean') {
          if (spans.some((s) => s.weight === 'fix' || s.weight === 'wait')) falseFix++;
          continue;
        }
        planted++;
        const want = EXPECTED[plant];
        if (
          spans.some(
            (s) =>
              s.kind === want.kind &&
              s.action === want.action &&
              s.from === want.from(window.from) &&
              (plant !== 'scale' || s.factor === 0.001),
          )
        )
          found++;
      }
      rows.push(
        `| ${label} | ${advice.spans.length} | ${mask.length} | ${advice.verdict} | ${wall.toFixed(2)} s | ${((c.user + c.system) / 1e6).toFixed(2)} s |`,
      );
    }
    const table = [
      `load average at start: ${load} (2 cores); store built in ${build.toFixed(1)} s (${(FEATURES * ENTITIES * DAYS).toLocaleString('en')} observations)`,
      '',
      '| window | spans | mask rows | verdict | wall | CPU |',
      '|---|---|---|---|---|---|',
      ...rows,
      '',
      `planted breaks named with the right kind, action, first day (and factor): ${found}/${planted}; clean features with a span to fix or wait for: ${falseFix}`,
    ].join('\n');
    console.log(table);
    return table;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
