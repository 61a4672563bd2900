// Scores replayed findings against the labels of a generated panel.
import type { Finding } from '../../src/core/finding.js';
import type { BacktestFinding } from '../../src/backtest/replay.js';
import { daysBetween } from '../../src/core/clock.js';
import type { Label, Panel } from './generate.js';
import { START } from './generate.js';

export const TYPES = ['freeze', 'unit', 'level', 'null', 'volume', 'drift', 'schema', 'other'] as const;
export type Kind = (typeof TYPES)[number];

/** The typing class of a finding. */
export function kindOf(f: Pick<Finding, 'class' | 'rule' | 'evidence'>): Kind {
  switch (f.class) {
    case 'frozen':
      return 'freeze';
    case 'scale':
      if (f.rule === 'level-shift') return 'level';
      if (f.rule === 'panel-scale') return f.evidence['factor'] === null ? 'level' : 'unit';
      return 'unit';
    case 'nulls':
      return 'null';
    case 'volume':
    case 'freshness':
      return 'volume';
    case 'deprecation':
      // A metric gone from the data for every entity, concluded from the values alone (volume-drop).
      return f.rule === 'metric-missing-from-data' ? 'volume' : 'other';
    case 'drift':
      return 'drift';
    case 'schema':
      return 'schema';
    default:
      return 'other';
  }
}

interface Episode {
  kind: Kind;
  metric: string;
  start: number;
  entities: Set<string>;
  maxSeverity: Finding['severity'];
  label?: Label;
  labelKindMatch: boolean;
}

/**
 * Entity-level detection: (label id, entity) → first day of a matching-type finding, the factor it named, and the
 * factor named on the last day up to 2 days after onset. The strict unit goal needs the first finding to name the
 * injected factor; the settled one judges the finding as it stands 2 days in.
 */
export type EntityHits = Map<string, { day: number; factor: unknown; factorAt2d: unknown }>;

/** Everything the scorer needs from one replayed seed. */
export interface SeedResult {
  panel: Panel;
  events: BacktestFinding[];
  entityHits: EntityHits;
  evaluatedDays: number;
  firstEvaluatedDay: number;
}

/** Collects entity-level hits from per-day findings during the replay. */
export function entityHitCollector(panel: Panel): {
  hits: EntityHits;
  onDay: (day: string, source: string, findings: readonly Finding[]) => void;
} {
  const hits: EntityHits = new Map();
  const byMetric = new Map<string, Label[]>();
  for (const l of panel.labels) byMetric.set(l.metric, [...(byMetric.get(l.metric) ?? []), l]);
  return {
    hits,
    onDay: (day, _source, findings) => {
      const t = daysBetween(START, day);
      for (const f of findings) {
        if (!f.metric) continue;
        for (const l of byMetric.get(f.metric) ?? []) {
          if (t < l.onset || kindOf(f) !== l.class) continue;
          const ents = f.entities.length > 0 ? f.entities : l.entities;
          for (const e of ents) {
            const key = `${l.id}|${e}`;
            if (!l.entities.includes(e)) continue;
            const prev = hits.get(key);
            if (!prev)
              hits.set(key, { day: t, factor: f.evidence['factor'], factorAt2d: f.evidence['factor'] });
            else if (t <= l.onset + 2) prev.factorAt2d = f.evidence['factor'];
          }
        }
      }
    },
  };
}

function quantileOf(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))]!;
}

/** The scored figures of a set of seeds. */
export interface Score {
  seeds: number[];
  seriesDays: number;
  cleanSeriesDays: number;
  perClass: Record<
    string,
    {
      labels: number;
      detected: number;
      typed: number;
      episodes: number;
      truePositive: number;
      precision: number;
      recall: number;
      f1: number;
      medianDelay: number;
      p90Delay: number;
    }
  >;
  falseAlarmEpisodes: number;
  falseAlarmsPer1000: number;
  falseAlarmsByKind: Record<string, number>;
  blockFalseAlarms: number;
  /** Each block-severity false alarm: where to look (first 5 entities). */
  blockFalseAlarmList: { seed: number; metric: string; day: number; kind: Kind; entities: string[] }[];
  confusion: Record<string, Record<string, number>>;
  goals: {
    freezeRecall4d: { entities: number; caught: number; recall: number };
    unitRecall2d: { entities: number; caught: number; recall: number };
    /** Same, judged by the factor the finding names 2 days after onset (a day-one ×60 corrected to ×100 counts). */
    unitRecall2dSettled: { entities: number; caught: number; recall: number };
    unitRecall2dReciprocal: { entities: number; caught: number; recall: number };
  };
}

const WINDOW = 7;

/**
 * Score the replayed seeds: event precision/recall/F1 per class, delays, false alarms, typing confusion and goals.
 *
 * @example
 * const score = scoreSeeds(results);
 */
export function scoreSeeds(results: SeedResult[]): Score {
  const perClass: Score['perClass'] = {};
  const confusion: Score['confusion'] = {};
  const delays = new Map<string, number[]>();
  const falseAlarmsByKind: Record<string, number> = {};
  const blockFalseAlarmList: Score['blockFalseAlarmList'] = [];
  let fa = 0;
  let blockFa = 0;
  let seriesDays = 0;
  let cleanSeriesDays = 0;
  const goal = {
    f: { entities: 0, caught: 0 },
    u: { entities: 0, caught: 0 },
    u2: { entities: 0, caught: 0 },
    ur: { entities: 0, caught: 0 },
  };
  for (const r of results) {
    const { panel } = r;
    const n = panel.metrics.length * panel.entities.length;
    seriesDays += n * r.evaluatedDays;
    let injectedDays = 0;
    for (const l of panel.labels)
      injectedDays +=
        l.entities.length * Math.max(0, panel.spec.days - Math.max(l.onset, r.firstEvaluatedDay));
    cleanSeriesDays += n * r.evaluatedDays - injectedDays;
    // Episodes from events.
    const episodes = new Map<string, Episode>();
    const list: Episode[] = [];
    for (const ev of r.events) {
      const t = daysBetween(START, ev.dataDay);
      // The end of an episode is not a new one (the replay reports resolutions as a poll would).
      if (ev.event === 'resolved') continue;
      if (ev.event === 'escalated') {
        const ep = episodes.get(ev.fingerprint);
        // One finding per (metric, class): an escalation caused by an injection that began meanwhile belongs to
        // that injection, not to the episode that happened to hold the fingerprint.
        const explained = panel.labels.some(
          (l) => l.metric === ev.metric && t >= l.onset && l.entities.some((e) => ev.entities.includes(e)),
        );
        if (ep && ev.severity === 'block' && !explained) ep.maxSeverity = 'block';
        continue;
      }
      const ep: Episode = {
        kind: kindOf(ev),
        metric: ev.metric ?? '',
        start: t,
        entities: new Set(ev.entities),
        maxSeverity: ev.severity,
        labelKindMatch: false,
      };
      episodes.set(ev.fingerprint, ep);
      list.push(ep);
    }
    for (const ep of list) {
      const candidates = panel.labels.filter(
        (l) =>
          l.metric === ep.metric &&
          ep.start >= l.onset &&
          ep.start <= l.onset + WINDOW &&
          (ep.entities.size === 0 || l.entities.some((e) => ep.entities.has(e))),
      );
      const same = candidates.find((l) => l.class === ep.kind);
      const label = same ?? candidates[0];
      if (label) {
        ep.label = label;
        ep.labelKindMatch = label.class === ep.kind;
      }
      // Effects of an injection outside its window (e.g. a scale finding lingering) are not clean false alarms.
      const onInjected = panel.labels.some(
        (l) =>
          l.metric === ep.metric &&
          ep.start >= l.onset &&
          (ep.entities.size === 0 || l.entities.some((e) => ep.entities.has(e))),
      );
      if (!label && !onInjected && ep.maxSeverity !== 'info') {
        fa++;
        falseAlarmsByKind[ep.kind] = (falseAlarmsByKind[ep.kind] ?? 0) + 1;
        if (ep.maxSeverity === 'block') {
          blockFa++;
          blockFalseAlarmList.push({
            seed: panel.seed,
            metric: ep.metric,
            day: ep.start,
            kind: ep.kind,
            entities: [...ep.entities].sort().slice(0, 5),
          });
        }
      }
      // Info findings are "undecidable", not alarms: they count neither for nor against precision.
      if (ep.maxSeverity === 'info') continue;
      const k = ep.kind;
      perClass[k] ??= {
        labels: 0,
        detected: 0,
        typed: 0,
        episodes: 0,
        truePositive: 0,
        precision: 0,
        recall: 0,
        f1: 0,
        medianDelay: NaN,
        p90Delay: NaN,
      };
      perClass[k].episodes++;
      if (ep.labelKindMatch) perClass[k].truePositive++;
    }
    for (const l of panel.labels) {
      perClass[l.class] ??= {
        labels: 0,
        detected: 0,
        typed: 0,
        episodes: 0,
        truePositive: 0,
        precision: 0,
        recall: 0,
        f1: 0,
        medianDelay: NaN,
        p90Delay: NaN,
      };
      const pc = perClass[l.class]!;
      pc.labels++;
      const matches = list.filter((ep) => ep.label === l).sort((a, b) => a.start - b.start);
      const typed = matches.find((ep) => ep.labelKindMatch);
      if (matches.length > 0) pc.detected++;
      if (typed) {
        pc.typed++;
        delays.set(l.class, [...(delays.get(l.class) ?? []), typed.start - l.onset]);
      }
      confusion[l.class] ??= {};
      const col = typed ? l.class : (matches[0]?.kind ?? 'missed');
      confusion[l.class]![col] = (confusion[l.class]![col] ?? 0) + 1;
      // Entity-level goals.
      for (const e of l.entities) {
        const level = panel.levels.get(l.metric)!.get(e)!;
        const hit = r.entityHits.get(`${l.id}|${e}`);
        if (l.class === 'freeze' && level >= 5) {
          goal.f.entities++;
          if (hit && hit.day - l.onset <= 4) goal.f.caught++;
        }
        if (l.class === 'unit' && level >= 100) {
          const f = Number(l.params['factor']);
          // Detected within 2 days, naming the injected factor (first finding, or as it stood 2 days in).
          const named = (factor: unknown) =>
            hit !== undefined &&
            hit.day - l.onset <= 2 &&
            typeof factor === 'number' &&
            Math.abs(Math.log(factor / f)) < 1e-9;
          const count = (g: { entities: number; caught: number }, factor: unknown) => {
            g.entities++;
            if (named(factor)) g.caught++;
          };
          if (f !== 10 && f >= 60) {
            count(goal.u, hit?.factor);
            count(goal.u2, hit?.factorAt2d);
          } else if (f < 1) count(goal.ur, hit?.factor);
        }
      }
    }
  }
  for (const [k, pc] of Object.entries(perClass)) {
    pc.precision = pc.episodes > 0 ? pc.truePositive / pc.episodes : NaN;
    pc.recall = pc.labels > 0 ? pc.typed / pc.labels : NaN;
    pc.f1 = pc.precision + pc.recall > 0 ? (2 * pc.precision * pc.recall) / (pc.precision + pc.recall) : NaN;
    const d = delays.get(k) ?? [];
    pc.medianDelay = quantileOf(d, 0.5);
    pc.p90Delay = quantileOf(d, 0.9);
  }
  const ratio = (x: { entities: number; caught: number }) => ({
    ...x,
    recall: x.entities > 0 ? x.caught / x.entities : NaN,
  });
  return {
    seeds: results.map((r) => r.panel.seed),
    seriesDays,
    cleanSeriesDays,
    perClass,
    falseAlarmEpisodes: fa,
    falseAlarmsPer1000: (1000 * fa) / Math.max(1, cleanSeriesDays),
    falseAlarmsByKind,
    blockFalseAlarms: blockFa,
    blockFalseAlarmList,
    confusion,
    goals: {
      freezeRecall4d: ratio(goal.f),
      unitRecall2d: ratio(goal.u),
      unitRecall2dSettled: ratio(goal.u2),
      unitRecall2dReciprocal: ratio(goal.ur),
    },
  };
}
