// Labelled segment and category cases, run day by day through the real detector runner (every registered detector):
// ordered risk bands whose low band converges on the medium one, a new category emerging, a shift in the mix, an
// override rate rising (a trust signal), a click-through rate shifting with a declared redesign (a proxy KPI linked
// to its event), and healthy bands, mixes, override rates and click-through rates. Scored per class: recall within 4 days of onset, false alarms, block false alarms.
// Also the cost of the segment detectors at 10,000 segments × 180 days.
import { eventOf } from '../../src/advisor/event-spans.js';
import { addDays } from '../../src/core/clock.js';
import type { EventContract, MetricContract, SourceContract } from '../../src/core/contract.js';
import type { Detector, MetricHistory, SeriesPoint } from '../../src/core/detector.js';
import type { Finding } from '../../src/core/finding.js';
import { bandConvergence } from '../../src/detectors/band-convergence.js';
import { categoryMixShift } from '../../src/detectors/category-mix-shift.js';
import { categoryNew } from '../../src/detectors/category-new.js';
import { categoryOtherRising } from '../../src/detectors/category-other-rising.js';
import { categoryVanished } from '../../src/detectors/category-vanished.js';
import { rateShift } from '../../src/detectors/rate-shift.js';
import { runDetectors } from '../../src/detectors/run.js';
import { mixHistory, mixSeries } from '../../test/helpers/detector-mix.js';
import { normal, seeded, type Rand } from '../../src/core/random.js';
import { binomial } from '../../test/helpers/detector-ratio.js';
import { historyOf, metricOf, pollOf, sourceOf, START_DAY } from '../../test/helpers/detector-series.js';

export const SEGMENT_CLASSES = [
  'band-convergence',
  'category-emergence',
  'mix-shift',
  'override-rise',
  'proxy-event',
  'healthy-bands',
  'healthy-mix',
  'healthy-overrides',
  'healthy-proxy',
] as const;
export type SegmentClass = (typeof SEGMENT_CLASSES)[number];

/** The rule each injected class must raise. */
const TARGET: Partial<Record<SegmentClass, string>> = {
  'band-convergence': 'band-convergence',
  'category-emergence': 'category-new',
  'mix-shift': 'category-mix-shift',
  'override-rise': 'rate-shift',
  'proxy-event': 'rate-shift',
};
/** Rules whose warnings count as false alarms on healthy cases and before onset. */
const SEGMENT_RULES = new Set([
  'band-convergence',
  'category-new',
  'category-vanished',
  'category-other-rising',
  'category-mix-shift',
  'rate-shift',
]);

const DAYS = 90;
const ONSET = 70;
/** First day evaluated (the 35 days before give the 28-day baseline and the 7-day recent window). */
const FIRST = 42;
const BANDS = ['low', 'medium', 'high'];

interface Case {
  cls: SegmentClass;
  onset?: number;
  source: SourceContract;
  histories: Map<string, MetricHistory>;
  /** Declared events: a target finding counts only when its onset falls in one (`eventOf`, as the advisor links). */
  events?: EventContract[];
}

/** `numerator` of `denominator` per segment: daily trials with weekly seasonality, a rate × `factor(seg, t)`. */
function rateCase(
  r: Rand,
  names: { source: string; numerator: string; denominator: string; ratio: string; dimension: string },
  segments: { name: string; trials: number; rate: number }[],
  factor: (segment: string, t: number) => number,
): Pick<Case, 'source' | 'histories'> {
  const num: Record<string, number[]> = {};
  const den: Record<string, number[]> = {};
  for (const s of segments) {
    const ns: number[] = (num[s.name] = []);
    const ds: number[] = (den[s.name] = []);
    for (let t = 0; t < DAYS; t++) {
      const n = Math.max(
        1,
        Math.round(s.trials * (1 + 0.15 * Math.sin((2 * Math.PI * t) / 7)) * Math.exp(0.05 * normal(r))),
      );
      const rate = s.rate * factor(s.name, t) * Math.exp(0.1 * normal(r));
      ds.push(n);
      ns.push(binomial(r, n, Math.min(0.99, rate)));
    }
  }
  const metrics = [
    metricOf(names.numerator),
    metricOf(names.denominator),
    metricOf(names.ratio, 'ratio', {
      numerator: names.numerator,
      denominator: names.denominator,
      segments: { dimension: names.dimension },
    }),
  ];
  const of = { source: names.source };
  return {
    source: sourceOf(metrics, { name: names.source }),
    histories: new Map([
      [names.numerator, historyOf(num, { ...of, metric: names.numerator })],
      [names.denominator, historyOf(den, { ...of, metric: names.denominator })],
    ]),
  };
}

const BRANCHES = ['north', 'south', 'east', 'west', 'central'];

/** Loan officers overriding a model: 90–400 decisions a day per branch, 2–8 % overridden; ×1.5–2.5 in 1–5 branches. */
function overridesCase(r: Rand, cls: SegmentClass, rise: boolean): Case {
  const segments = BRANCHES.map((name) => ({
    name,
    trials: Math.round(Math.exp(4.5 + 1.5 * r())),
    rate: 0.02 + 0.06 * r(),
  }));
  const hit = new Set(BRANCHES.slice(0, 1 + Math.floor(r() * BRANCHES.length)));
  const lift = 1.5 + r();
  const names = {
    source: 'loan-desk',
    numerator: 'overrides',
    denominator: 'decisions',
    ratio: 'override_rate',
    dimension: 'branch',
  };
  return {
    cls,
    ...(rise ? { onset: ONSET } : {}),
    ...rateCase(r, names, segments, (b, t) => (rise && hit.has(b) && t >= ONSET ? lift : 1)),
  };
}

const SURFACES = ['home', 'related', 'search'];

/**
 * A click-through rate per surface (8,000–36,000 impressions a day, 1–6 %) and a redesign declared as an event
 * from the onset for 7 days: with `shift`, clicks per impression ×1.2–1.6 on 1–2 surfaces from its first day; without,
 * a redesign that moved nothing.
 */
function proxyCase(r: Rand, cls: SegmentClass, shift: boolean): Case {
  const segments = SURFACES.map((name) => ({
    name,
    trials: Math.round(Math.exp(9 + 1.5 * r())),
    rate: 0.01 + 0.05 * r(),
  }));
  const hit = new Set(SURFACES.slice(0, 1 + Math.floor(r() * 2)));
  const lift = 1.2 + 0.4 * r();
  const names = {
    source: 'feed-events',
    numerator: 'clicks',
    denominator: 'impressions',
    ratio: 'ctr',
    dimension: 'surface',
  };
  const event: EventContract = {
    name: 'ui-redesign',
    from: addDays(START_DAY, ONSET),
    to: addDays(START_DAY, ONSET + 6),
    sources: [],
    metrics: ['feed-events/ctr'],
    features: [],
    train: false,
    location: { file: 'bench.yaml', line: 1, col: 1 },
  };
  return {
    cls,
    ...(shift ? { onset: ONSET } : {}),
    events: [event],
    ...rateCase(r, names, segments, (s, t) => (shift && hit.has(s) && t >= ONSET ? lift : 1)),
  };
}

function bandsCase(r: Rand, cls: SegmentClass, converge: boolean): Case {
  const low = 0.01 + 0.02 * r();
  const rates = [low, low * (2 + r()), low * (2 + r()) * (1.8 + r())];
  const target = rates[1]! * (0.75 + 0.25 * r());
  const claims: Record<string, number[]> = {};
  const policies: Record<string, number[]> = {};
  BANDS.forEach((band, b) => {
    const size = Math.round(Math.exp(6 + 1.2 * r())); // 400 to 13,000 policies a day
    claims[band] = [];
    policies[band] = [];
    for (let t = 0; t < DAYS; t++) {
      const n = Math.max(
        1,
        Math.round(size * (1 + 0.15 * Math.sin((2 * Math.PI * t) / 7)) * Math.exp(0.05 * normal(r))),
      );
      const rate = (converge && b === 0 && t >= ONSET ? target : rates[b]!) * Math.exp(0.1 * normal(r));
      policies[band].push(n);
      claims[band].push(binomial(r, n, Math.min(0.99, rate)));
    }
  });
  const metrics = [
    metricOf('claims'),
    metricOf('policies'),
    metricOf('claim_rate', 'ratio', {
      numerator: 'claims',
      denominator: 'policies',
      segments: { dimension: 'risk_band', order: BANDS },
    }),
  ];
  return {
    cls,
    ...(converge ? { onset: ONSET } : {}),
    source: sourceOf(metrics, { name: 'claims-warehouse' }),
    histories: new Map([
      ['claims', historyOf(claims, { metric: 'claims', source: 'claims-warehouse' })],
      ['policies', historyOf(policies, { metric: 'policies', source: 'claims-warehouse' })],
    ]),
  };
}

const INTENTS = ['navigational', 'informational', 'transactional', 'local', 'images', 'other'];

function mixCase(r: Rand, cls: SegmentClass): Case {
  const base: Record<string, number> = {};
  for (const c of INTENTS) base[c] = c === 'other' ? 0.03 + 0.04 * r() : 0.3 + r();
  const series: Record<string, Record<string, number>[]> = {};
  const segments = ['us', 'gb', 'de', 'fr'];
  const hit = new Set(segments.slice(0, 1 + Math.floor(r() * segments.length)));
  for (const seg of segments) {
    let change: { from: number; shares: Record<string, number> } | undefined;
    if (hit.has(seg) && cls === 'category-emergence') {
      const share = 0.03 + 0.07 * r();
      const total = Object.values(base).reduce((s, v) => s + v, 0);
      change = { from: ONSET, shares: { ...base, short_video: (share * total) / (1 - share) } };
    } else if (hit.has(seg) && cls === 'mix-shift') {
      // Move 5–15 % of the whole mix from one known category to another.
      const total = Object.values(base).reduce((s, v) => s + v, 0);
      const moved = (0.05 + 0.1 * r()) * total;
      const from = INTENTS[Math.floor(r() * 3)]!;
      const to = INTENTS[3 + Math.floor(r() * 2)]!;
      const take = Math.min(moved, base[from]! * 0.9);
      change = { from: ONSET, shares: { ...base, [from]: base[from]! - take, [to]: base[to]! + take } };
    }
    series[seg] = mixSeries(r, {
      days: DAYS,
      level: Math.round(Math.exp(5.5 + 2 * r())), // 250 to 1,800 and more queries a day
      shares: base,
      concentration: 200 + 800 * r(),
      ...(change ? { change } : {}),
    });
  }
  const metric = metricOf('query_intent', 'categorical', {
    categories: { known: INTENTS.filter((c) => c !== 'other'), other: 'other' },
  });
  return {
    cls,
    ...(cls === 'healthy-mix' ? {} : { onset: ONSET }),
    source: sourceOf([metric], { name: 'search-logs' }),
    histories: new Map([
      ['query_intent', mixHistory(series, { metric: 'query_intent', source: 'search-logs' })],
    ]),
  };
}

/** The cases of one seed (the trust and proxy cases draw from their own stream: the first five are unchanged). */
export function segmentCases(seed: number): Case[] {
  const r = seeded(seed * 7919 + 3);
  const first = [
    bandsCase(r, 'band-convergence', true),
    mixCase(r, 'category-emergence'),
    mixCase(r, 'mix-shift'),
    bandsCase(r, 'healthy-bands', false),
    mixCase(r, 'healthy-mix'),
  ];
  const q = seeded(seed * 104_729 + 17);
  return [
    ...first,
    overridesCase(q, 'override-rise', true),
    proxyCase(q, 'proxy-event', true),
    overridesCase(q, 'healthy-overrides', false),
    proxyCase(q, 'healthy-proxy', false),
  ];
}

function upTo(h: MetricHistory, lastDay: string): MetricHistory {
  const entities = new Map<string, readonly SeriesPoint[]>();
  for (const [e, pts] of h.entities)
    entities.set(
      e,
      pts.filter((p) => p.day <= lastDay),
    );
  return { ...h, entities };
}

/** The findings of every evaluation day of a case: day index → findings (every registered detector). */
function replay(c: Case): Map<number, Finding[]> {
  const out = new Map<number, Finding[]>();
  for (let t = FIRST; t < DAYS; t++) {
    const day = addDays(START_DAY, t);
    const now = new Date(`${addDays(day, 1)}T07:00:00.000Z`);
    const histories = new Map([...c.histories].map(([k, h]) => [k, upTo(h, day)]));
    out.set(
      t,
      runDetectors({
        source: c.source,
        histories,
        polls: [pollOf(t, now.toISOString(), { source: c.source.name })],
        docChanges: [],
        now,
      }),
    );
  }
  return out;
}

export interface SegmentScore {
  seeds: number;
  perClass: Record<
    SegmentClass,
    {
      cases: number;
      /** Target rule at warn or above on a data day from onset to onset + 3. */
      recall4d: number;
      /** Days from onset to the target rule's first alarm, summed over detected cases. */
      delaySum: number;
      detected: number;
      /** Cases with a segment-rule warning on a healthy case or before onset. */
      falseAlarmCases: number;
      /** Alarm-days of segment rules on healthy cases or before onset. */
      falseAlarmDays: number;
      /** Cases with a block finding (any rule) on a healthy case or before onset. */
      blockFalseAlarms: number;
    }
  >;
  examples: { cls: SegmentClass; explanation: string }[];
  /** Every false alarm of a segment rule: seed, class, day and rule. */
  falseAlarms: { seed: number; cls: SegmentClass; day: number; rule: string; explanation: string }[];
}

/**
 * Run `seeds` seeds of the segment cases and score them.
 *
 * @example
 * runSegmentCases([1, 2]).perClass['band-convergence'].recall4d
 */
export function runSegmentCases(seeds: readonly number[]): SegmentScore {
  const perClass = Object.fromEntries(
    SEGMENT_CLASSES.map((c) => [
      c,
      {
        cases: 0,
        recall4d: 0,
        delaySum: 0,
        detected: 0,
        falseAlarmCases: 0,
        falseAlarmDays: 0,
        blockFalseAlarms: 0,
      },
    ]),
  ) as SegmentScore['perClass'];
  const examples: SegmentScore['examples'] = [];
  const falseAlarms: SegmentScore['falseAlarms'] = [];
  for (const seed of seeds)
    for (const c of segmentCases(seed)) {
      const pc = perClass[c.cls];
      pc.cases++;
      const days = replay(c);
      let falseCase = false;
      let blockCase = false;
      let first: number | undefined;
      for (const [t, found] of days) {
        const clean = c.onset === undefined || t < c.onset;
        const alarms = found.filter((f) => f.severity !== 'info');
        const wrong = clean ? alarms.filter((f) => SEGMENT_RULES.has(f.rule)) : [];
        if (wrong.length > 0) {
          falseCase = true;
          pc.falseAlarmDays++;
          for (const f of wrong)
            falseAlarms.push({ seed, cls: c.cls, day: t, rule: f.rule, explanation: f.explanation });
        }
        if (clean && alarms.some((f) => f.severity === 'block')) blockCase = true;
        const target = TARGET[c.cls];
        if (!clean && target && first === undefined) {
          const hit = alarms.find(
            (f) => f.rule === target && (c.events === undefined || eventOf(f, c.events, []) !== undefined),
          );
          if (hit) {
            first = t;
            if (seed === seeds[0]) examples.push({ cls: c.cls, explanation: hit.explanation });
          }
        }
      }
      if (falseCase) pc.falseAlarmCases++;
      if (blockCase) pc.blockFalseAlarms++;
      if (first !== undefined && c.onset !== undefined) {
        pc.detected++;
        pc.delaySum += first - c.onset;
        if (first - c.onset <= 3) pc.recall4d++;
      }
    }
  return { seeds: seeds.length, perClass, examples, falseAlarms };
}

/** The score as the text the benchmark prints. */
export function formatSegments(s: SegmentScore): string {
  const pct = (a: number, b: number) => (b > 0 ? `${a}/${b} = ${((100 * a) / b).toFixed(0)} %` : '—');
  const lines = [
    `Segment and category cases, ${s.seeds} seeds (every registered detector, day by day from day ${FIRST} to ${DAYS - 1}, onset day ${ONSET}):`,
    '',
    '| class | cases | recall within 4 days | detected by day 89 | mean delay (days) | cases with a false alarm | false alarm-days | block false alarms |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const c of SEGMENT_CLASSES) {
    const p = s.perClass[c];
    const injected = TARGET[c] !== undefined;
    lines.push(
      `| ${c} | ${p.cases} | ${injected ? pct(p.recall4d, p.cases) : '—'} | ${injected ? pct(p.detected, p.cases) : '—'} | ${injected && p.detected > 0 ? (p.delaySum / p.detected).toFixed(1) : '—'} | ${p.falseAlarmCases} | ${p.falseAlarmDays} | ${p.blockFalseAlarms} |`,
    );
  }
  for (const f of s.falseAlarms)
    lines.push('', `false alarm: seed ${f.seed}, ${f.cls}, day ${f.day}, ${f.rule}: ${f.explanation}`);
  for (const e of s.examples) lines.push('', `${e.cls}: ${e.explanation}`);
  return lines.join('\n');
}

const SEGMENT_DETECTORS = [
  rateShift,
  bandConvergence,
  categoryNew,
  categoryVanished,
  categoryOtherRising,
  categoryMixShift,
] as unknown as Detector<Record<string, unknown>>[];

/**
 * Cost of one detection pass of the segment detectors over `segments` segments × `days` days: a claim rate over
 * ordered segments (claims and policies) and a categorical metric of 6 categories over the same segments.
 *
 * @example
 * measureSegmentCost(10_000, 180) // { buildMs, heapMb, passMs, cpuMs, warmMs, warmCpuMs, findings }
 */
export function measureSegmentCost(
  segments: number,
  days: number,
  detectors: readonly Detector<Record<string, unknown>>[] = SEGMENT_DETECTORS,
): {
  points: number;
  buildMs: number;
  heapMb: number;
  /** First pass over points never read before (the cost a poll pays on freshly loaded histories). */
  passMs: number;
  cpuMs: number;
  /** Second pass over the same points (new history objects, points already touched). */
  warmMs: number;
  warmCpuMs: number;
  findings: number;
} {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const r = seeded(42);
  const names = Array.from({ length: segments }, (_, i) => `s${String(i).padStart(5, '0')}`);
  const claims: Record<string, number[]> = {};
  const policies: Record<string, number[]> = {};
  const mixes: Record<string, Record<string, number>[]> = {};
  const shares = { navigational: 4, informational: 3, transactional: 2, local: 1, images: 1, other: 0.3 };
  names.forEach((name, i) => {
    const rate = 0.01 * (1 + (2 * i) / segments);
    policies[name] = Array.from({ length: days }, () => 200 + Math.floor(r() * 50));
    claims[name] = policies[name].map((n) => binomial(r, n, rate));
    mixes[name] = mixSeries(r, { days, level: 300, shares });
  });
  const order = names;
  const metrics: MetricContract[] = [
    metricOf('claims'),
    metricOf('policies'),
    metricOf('claim_rate', 'ratio', {
      numerator: 'claims',
      denominator: 'policies',
      segments: { dimension: 'segment', order },
    }),
    metricOf('query_intent', 'categorical', {
      categories: { known: Object.keys(shares).filter((c) => c !== 'other'), other: 'other' },
    }),
  ];
  const histories = new Map([
    ['claims', historyOf(claims, { metric: 'claims' })],
    ['policies', historyOf(policies, { metric: 'policies' })],
    ['query_intent', mixHistory(mixes, { metric: 'query_intent' })],
  ]);
  const buildMs = performance.now() - t0;
  gc?.();
  const heapMb = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
  const now = new Date(`${addDays(START_DAY, days)}T07:00:00.000Z`);
  const pass = () => {
    const cpu0 = process.cpuUsage();
    const t1 = performance.now();
    // A fresh Map per pass, as each poll loads its histories anew: nothing cached from the pass before is reused.
    const found = runDetectors({
      source: sourceOf(metrics),
      histories: new Map([...histories].map(([k, h]) => [k, { ...h }])),
      polls: [pollOf(1, now.toISOString())],
      docChanges: [],
      now,
      detectors,
    });
    const cpu = process.cpuUsage(cpu0);
    return {
      ms: Math.round(performance.now() - t1),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      found,
    };
  };
  const cold = pass();
  const warm = pass();
  return {
    points: segments * days * 3,
    buildMs: Math.round(buildMs),
    heapMb: Math.round(heapMb),
    passMs: cold.ms,
    cpuMs: cold.cpuMs,
    warmMs: warm.ms,
    warmCpuMs: warm.cpuMs,
    findings: cold.found.length,
  };
}

/**
 * `npm run bench -- segments`: the labelled cases (held-out seeds 21–70 by default; `UPWATCH_BENCH_SEEDS=N` and
 * `UPWATCH_BENCH_SKIP=K` run seeds K+1…K+N, the calibration seeds are 1–20), then the cost at 10,000 segments ×
 * 180 days (`UPWATCH_BENCH_SEGMENTS=N` changes the count).
 */
export function run(): string {
  const seeds = Number(process.env['UPWATCH_BENCH_SEEDS'] ?? 50);
  const skip = Number(process.env['UPWATCH_BENCH_SKIP'] ?? 20);
  const score = formatSegments(runSegmentCases(Array.from({ length: seeds }, (_, i) => i + 1 + skip)));
  console.log(score);
  const cost = measureSegmentCost(Number(process.env['UPWATCH_BENCH_SEGMENTS'] ?? 10_000), 180);
  const line = `Cost, ${cost.points / 540} segments × 180 days (claims, policies and a 6-category mix: ${cost.points.toLocaleString('en')} points): build ${cost.buildMs} ms, heap ${cost.heapMb} MB, one pass of the segment detectors ${cost.passMs} ms wall, ${cost.cpuMs} ms CPU (a second pass over the same points: ${cost.warmMs} ms wall, ${cost.warmCpuMs} ms CPU), ${cost.findings} findings.`;
  console.log(line);
  return `${score}\n\n${line}`;
}
