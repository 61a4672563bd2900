// Replays a history one day at a time through runDetectors, as daily polls would have, and reports each finding
// on the day it would first have fired (or escalated).
import type { ContractSet, MetricContract, SourceContract } from '../core/contract.js';
import type { Detector, MetricHistory, SeriesPoint } from '../core/detector.js';
import { compareSeverity, type Evidence, type Finding } from '../core/finding.js';
import type { PollRecord } from '../core/observation.js';
import { parseTemplate } from '../core/secret.js';
import { runDetectors } from '../detectors/run.js';
import { regimeChanges } from '../detectors/regime.js';
import { dayString } from '../detectors/stats/days.js';
import { FRAME_MAX_DAYS } from '../detectors/stats/frame.js';
import type { HistorySet } from './history-set.js';

/** One finding as the backtest reports it. */
export interface BacktestFinding {
  rule: string;
  severity: Finding['severity'];
  class: Finding['class'];
  source: string;
  metric?: string;
  entities: string[];
  entityShare?: number;
  onset: string;
  /** Day of the poll that would have raised it (the morning after the newest data day). */
  detectedOn: string;
  /** Newest data day at that poll. */
  dataDay: string;
  explanation: string;
  evidence: Evidence;
  fingerprint: string;
  /** `new` the first time, `escalated` when its severity rose, `reopened` after it had resolved. */
  event: 'new' | 'escalated' | 'reopened';
}

export interface ReplayOptions {
  contracts?: ContractSet;
  detectors?: readonly Detector<Record<string, unknown>>[];
  /** Days without a finding after which it counts as resolved (a later one is reported again). */
  resolveAfterDays?: number;
  /** Days replayed before the first evaluation (nothing can be judged on day one). */
  warmupDays?: number;
  onProgress?: (done: number, total: number) => void;
  onFinding?: (f: BacktestFinding) => void;
  /** Every finding of every replayed day (benchmarks score entity-level detection from it). */
  onDay?: (dataDay: string, source: string, findings: readonly Finding[]) => void;
}

/** The contract used for a source the contracts do not declare: every metric a daily `count` with default checks. */
export function defaultSource(name: string, metrics: readonly string[]): SourceContract {
  const location = { file: '(backtest)', line: 1, col: 1 };
  return {
    name,
    owners: [],
    provider: 'http-json',
    connection: {
      kind: 'http-json',
      url: parseTemplate('backtest://history'),
      headers: {},
      entities: [],
      select: { records: 'data', time: 'date' },
      lookbackDays: 1,
    },
    schedule: '0 6 * * *',
    timezone: 'UTC',
    freshnessHours: 36,
    docs: [],
    metrics: metrics.map((m): MetricContract => ({
      name: m,
      period: 'day',
      kind: 'count',
      checks: {},
      location,
    })),
    checks: {},
    location,
  };
}

function lowerBound(days: number[], d: number): number {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (days[mid]! < d) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Replay `set` day by day and return the findings in the order they would have fired.
 *
 * @example
 * const findings = replayHistory(set, { contracts });
 */
export function replayHistory(set: HistorySet, options: ReplayOptions = {}): BacktestFinding[] {
  const resolveAfter = options.resolveAfterDays ?? 3;
  const warmup = options.warmupDays ?? 1;
  const out: BacktestFinding[] = [];
  if (!Number.isFinite(set.minDay)) return out;
  const sources = [...set.sources.entries()].map(([name, metrics]) => {
    const declared = options.contracts?.sources.find((s) => s.name === name);
    const names = [...metrics.keys()];
    const source: SourceContract = declared
      ? {
          ...declared,
          metrics: [
            ...declared.metrics,
            ...defaultSource(
              name,
              names.filter((m) => !declared.metrics.some((d) => d.name === m)),
            ).metrics,
          ],
        }
      : defaultSource(name, names);
    return { name, metrics, source, regimes: new Map<string, string>(), polls: [] as PollRecord[] };
  });
  const state = new Map<string, { severity: Finding['severity']; lastSeen: number }>();
  const total = set.maxDay - set.minDay + 1;
  for (let d = set.minDay; d <= set.maxDay; d++) {
    options.onProgress?.(d - set.minDay + 1, total);
    if (d - set.minDay < warmup) continue;
    const pollDay = dayString(d + 1);
    const now = new Date(`${pollDay}T06:00:00.000Z`);
    for (const src of sources) {
      const histories = new Map<string, MetricHistory>();
      for (const [metric, entities] of src.metrics) {
        const map = new Map<string, readonly SeriesPoint[]>();
        for (const [entity, cols] of entities) {
          const hi = lowerBound(cols.days, d + 1);
          if (hi === 0) continue;
          const lo = lowerBound(cols.days, d - FRAME_MAX_DAYS + 1);
          if (lo >= hi) continue;
          map.set(entity, set.pointsOf(cols).slice(lo, hi));
        }
        histories.set(metric, { source: src.name, metric, entities: map });
      }
      src.polls.push({
        id: d,
        source: src.name,
        startedAt: now.toISOString(),
        finishedAt: now.toISOString(),
        outcome: 'ok',
        observationCount: 0,
        requests: [],
        metricOutcomes: [],
      });
      if (src.polls.length > 30) src.polls.shift();
      const findings = runDetectors({
        source: src.source,
        histories,
        polls: src.polls,
        docChanges: [],
        now,
        regimes: src.regimes,
        ...(options.detectors ? { detectors: options.detectors } : {}),
      });
      options.onDay?.(dayString(d), src.name, findings);
      for (const f of findings) {
        const prev = state.get(f.fingerprint);
        let event: BacktestFinding['event'] | undefined;
        if (!prev) event = 'new';
        else if (d - prev.lastSeen > resolveAfter) event = 'reopened';
        else if (compareSeverity(f.severity, prev.severity) > 0) event = 'escalated';
        const severity =
          !prev || event === 'reopened'
            ? f.severity
            : compareSeverity(f.severity, prev.severity) > 0
              ? f.severity
              : prev.severity;
        state.set(f.fingerprint, { severity, lastSeen: d });
        if (!event) continue;
        const bf: BacktestFinding = {
          rule: f.rule,
          severity: f.severity,
          class: f.class,
          source: f.source,
          ...(f.metric ? { metric: f.metric } : {}),
          entities: f.entities,
          ...(f.entityShare !== undefined ? { entityShare: f.entityShare } : {}),
          onset: f.onset,
          detectedOn: pollDay,
          dataDay: dayString(d),
          explanation: f.explanation,
          evidence: f.evidence,
          fingerprint: f.fingerprint,
          event,
        };
        out.push(bf);
        options.onFinding?.(bf);
      }
      for (const c of regimeChanges(findings)) {
        if ((src.regimes.get(c.metric) ?? '') < c.startDay) src.regimes.set(c.metric, c.startDay);
      }
    }
  }
  return out;
}
