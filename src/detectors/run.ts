// Runs every registered detector over one source in stage order, applies contract overrides, suppresses what an
// earlier stage explains, merges drafts about the same thing and returns fingerprinted findings.
import type { CheckOverride, MetricContract, SourceContract } from '../core/contract.js';
import type { Detector, DetectorInput, DocChange, MetricHistory, SeriesColumns } from '../core/detector.js';
import { DETECTOR_STAGES } from '../core/detector.js';
import { errorMessage } from '../core/errors.js';
import {
  compareSeverity,
  fingerprintOf,
  toFinding,
  type Finding,
  type FindingClass,
  type FindingDraft,
} from '../core/finding.js';
import type { PollRecord } from '../core/observation.js';
import { allDetectors } from './registry.js';
import { dayNumber } from './stats/days.js';
import { forgetFrame, sliceHistory } from './stats/frame.js';

/** What runDetectors needs: one source, its metric histories and recent polls, and "now". */
export interface RunDetectorsInput {
  source: SourceContract;
  /** Metric name → history (all entities). */
  histories: ReadonlyMap<string, MetricHistory>;
  /** Recent polls of the source, oldest first, the current one last. */
  polls: readonly PollRecord[];
  docChanges: readonly DocChange[];
  /** The latest snapshot of every watched doc (changed or not), so doc-derived findings persist between changes. */
  docs?: readonly DocChange[];
  /** First stored snapshot of each watched doc that has changed since (doc name → normalized text). */
  docBaselines?: ReadonlyMap<string, string>;
  now: Date;
  /** Metric name → ISO day the current regime started (history before it is excluded). */
  regimes?: ReadonlyMap<string, string>;
  /** Detectors to run instead of the registry (tests, backtest). */
  detectors?: readonly Detector<Record<string, unknown>>[];
}

/** Stages whose findings are statistics over history: a failed current poll runs none of them. */
const STATISTICAL_STAGES = new Set(['volume', 'frozen', 'scale', 'drift']);
/** Classes a deprecation of the metric explains. */
const STATISTICAL_CLASSES = new Set<FindingClass>([
  'frozen',
  'scale',
  'drift',
  'nulls',
  'volume',
  'freshness',
]);

/**
 * Tie-break among drafts of one fingerprint and severity: panel rules absorb per-entity ones, and a specific
 * explanation (a unit factor, an exact freeze) beats a generic one (a level shift, a drift).
 */
const RULE_RANK: Record<string, number> = {
  'panel-scale': 4,
  'frozen-panel': 4,
  'unit-scale': 3,
  'representation-flip': 3,
  'frozen-run': 3,
  'level-shift': 0,
  'distribution-drift': 0,
};
const rankOf = (rule: string): number => RULE_RANK[rule] ?? 1;
/**
 * 1 for a conclusion drawn from the stored values alone (`evidence.dataOnly`, e.g. volume-drop's
 * metric-missing-from-data): on a poll, the runtime draft of the same finding (its poll outcomes, its known
 * replacement) explains it better.
 */
const dataOnly = (d: FindingDraft): number => (d.evidence['dataOnly'] === true ? 1 : 0);

interface Tagged {
  draft: FindingDraft;
  order: number;
}

/** Options after defaults, source override, then metric override; undefined when the check is disabled. */
export function effectiveCheck(
  detector: Detector<Record<string, unknown>>,
  source: SourceContract,
  metric?: MetricContract,
): { options: Record<string, unknown>; severity?: CheckOverride['severity'] } | undefined {
  const s = source.checks[detector.id];
  const m = metric?.checks[detector.id];
  const enabled = m?.enabled ?? s?.enabled ?? true;
  if (!enabled) return undefined;
  const severity = m?.severity ?? s?.severity;
  return {
    options: { ...detector.defaults, ...(s?.options ?? {}), ...(m?.options ?? {}) },
    ...(severity ? { severity } : {}),
  };
}

function emptyHistory(source: string, metric: string): MetricHistory {
  return { source, metric, entities: new Map() };
}

function failureDraft(
  detector: Detector<Record<string, unknown>>,
  source: string,
  metric: string | undefined,
  e: unknown,
  day: string,
): FindingDraft {
  return {
    rule: 'detector-error',
    class: 'unverified',
    severity: 'info',
    source,
    ...(metric ? { metric } : {}),
    entities: [],
    onset: day,
    subject: `detector:${detector.id}`,
    evidence: { detector: detector.id, error: errorMessage(e) },
    explanation: `detector ${detector.id} could not run${metric ? ` on ${metric}` : ''}: ${errorMessage(e)}. Its check is unverified this poll.`,
  };
}

/**
 * Run the detectors over one source (pure: everything comes in as data).
 *
 * @example
 * const findings = runDetectors({ source, histories, polls, docChanges: [], now: new Date() });
 */
// eslint-disable-next-line max-lines-per-function -- the staged runner: options, warm-up, stage order and suppression are one sequence over the same drafts
export function runDetectors(input: RunDetectorsInput): Finding[] {
  const { source, polls, now } = input;
  const detectors = [...(input.detectors ?? allDetectors())].sort(
    (a, b) => DETECTOR_STAGES.indexOf(a.stage) - DETECTOR_STAGES.indexOf(b.stage),
  );
  const currentFailed = polls.length > 0 && polls[polls.length - 1]!.outcome === 'failed';
  const day = now.toISOString().slice(0, 10);
  const histories = new Map<string, MetricHistory>();
  const historyOf = (metric: MetricContract): { history: MetricHistory; regimeStart?: string } => {
    const start = input.regimes?.get(metric.name);
    let h = histories.get(metric.name);
    if (!h) {
      const raw = input.histories.get(metric.name) ?? emptyHistory(source.name, metric.name);
      h = start ? sliceHistory(raw, start) : raw;
      histories.set(metric.name, h);
    }
    return { history: h, regimeStart: start || undefined };
  };
  let metricHistories: Map<string, MetricHistory> | undefined;
  const allHistories = (): ReadonlyMap<string, MetricHistory> =>
    (metricHistories ??= new Map(source.metrics.map((m) => [m.name, historyOf(m).history])));
  const collect = (
    detector: Detector<Record<string, unknown>>,
    run: () => FindingDraft[],
    metric: MetricContract | undefined,
    slot: number,
    severity?: CheckOverride['severity'],
    warmUp?: (d: FindingDraft) => FindingDraft,
  ) => {
    let out: FindingDraft[];
    try {
      out = run();
    } catch (e) {
      out = [failureDraft(detector, source.name, metric?.name, e, day)];
    }
    bySlot[slot] = out.map((d) => {
      const draft = severity && d.severity !== 'info' && d.class !== 'unverified' ? { ...d, severity } : d;
      return warmUp ? warmUp(draft) : draft;
    });
  };
  // Drafts are ordered by detector (stage order), then metric: detector i's run on metric j fills slot
  // i·(metrics + 1) + j + 1, a source-scope detector's run slot i·(metrics + 1).
  const bySlot: FindingDraft[][] = [];
  const M = source.metrics.length;
  for (let di = 0; di < detectors.length; di++) {
    const detector = detectors[di]!;
    if (currentFailed && STATISTICAL_STAGES.has(detector.stage)) continue;
    if (detector.scope !== 'source') continue;
    const check = effectiveCheck(detector, source);
    if (!check) continue;
    const sourceInput: DetectorInput<Record<string, unknown>> = {
      now,
      source,
      polls,
      docChanges: input.docChanges,
      ...(input.docs ? { docs: input.docs } : {}),
      ...(input.docBaselines ? { docBaselines: input.docBaselines } : {}),
      options: check.options,
    };
    collect(detector, () => detector.detect(sourceInput), undefined, di * (M + 1), check.severity);
  }
  // Metric after metric, every metric-scope detector on one metric before the next: the metric's grid (and the fits
  // and shifts memoised on it) is then let go before the next one is laid, and dies in the young generation instead
  // of being copied and promoted while the rest of the pass runs.
  for (let mi = 0; mi < M; mi++) {
    const declared = source.metrics[mi]!;
    for (let di = 0; di < detectors.length; di++) {
      const detector = detectors[di]!;
      if (currentFailed && STATISTICAL_STAGES.has(detector.stage)) continue;
      if (detector.scope === 'source') continue;
      if (detector.appliesTo?.(declared) !== undefined) continue;
      const check = effectiveCheck(detector, source, declared);
      if (!check) continue;
      const metric = asValueMetric(declared, detector);
      const { history, regimeStart } = historyOf(declared);
      // Every key present (undefined when absent): one shape for every detector's input, built without the
      // key-by-key copy a conditional spread costs, once per detector, metric and poll (or replayed day).
      const metricInput: DetectorInput<Record<string, unknown>> = {
        now,
        source,
        metric,
        history,
        regimeStart,
        metricHistories: allHistories(),
        polls,
        docChanges: input.docChanges,
        docs: input.docs,
        docBaselines: input.docBaselines,
        options: check.options,
      };
      const raw = input.histories.get(declared.name);
      collect(
        detector,
        () => detector.detect(metricInput),
        metric,
        di * (M + 1) + mi + 1,
        check.severity,
        (d) => heldForWarmUp(d, detector, check.options, raw),
      );
    }
    forgetFrame(historyOf(declared).history);
  }
  const drafts: Tagged[] = [];
  for (const out of bySlot) for (const draft of out ?? []) drafts.push({ draft, order: drafts.length });
  return suppressAndMerge(drafts).map((d) => toFinding(d, now.toISOString()));
}

/**
 * The metric as a detector sees it: a categorical metric's value is its total count, so a detector written for
 * values (volume, freshness, frozen, scale) reads it as a `count`; detectors that name the kinds they apply to
 * (`appliesTo`) see it as declared.
 */
function asValueMetric(metric: MetricContract, detector: Detector<Record<string, unknown>>): MetricContract {
  return metric.kind === 'categorical' && !detector.appliesTo ? { ...metric, kind: 'count' } : metric;
}

/**
 * Days with at least one stored value in a metric's history before `beforeDay` (every entity, before any regime cut: a
 * re-baselined metric is not new). With `enough`, counting stops once that many are found (a count ≥ `enough`).
 *
 * @example
 * historyDaysBefore(history, '2026-03-10') // 9: the days with values from 2026-03-01 to 2026-03-09
 */
export function historyDaysBefore(
  history: MetricHistory | undefined,
  beforeDay: string,
  enough = Infinity,
): number {
  if (history?.columns && ISO_DAY.test(beforeDay))
    return columnDaysBefore(history.columns, beforeDay, enough);
  const days = new Set<string>();
  for (const series of history?.entities.values() ?? []) {
    for (const p of series) if (p.day < beforeDay) days.add(p.day);
    // Counting on is only needed while the caller's threshold is not reached.
    if (days.size >= enough) break;
  }
  return days.size;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * historyDaysBefore on the columns, without point objects: an ISO day is before `beforeDay` exactly when its day
 * number is smaller, and distinct days have distinct numbers.
 */
function columnDaysBefore(
  columns: ReadonlyMap<string, SeriesColumns>,
  beforeDay: string,
  enough: number,
): number {
  const before = dayNumber(beforeDay);
  const days = new Set<number>();
  for (const c of columns.values()) {
    for (let p = 0; p < c.days.length; p++) if (c.days[p]! < before) days.add(c.days[p]!);
    if (days.size >= enough) break;
  }
  return days.size;
}

/**
 * During warm-up a finding is told, not alerted: when the metric's history before the finding's onset is shorter than
 * the detector's test needs, the finding is `info` and says what it waits for (no mail, no gate effect).
 */
function heldForWarmUp(
  d: FindingDraft,
  detector: Detector<Record<string, unknown>>,
  options: Record<string, unknown>,
  history: MetricHistory | undefined,
): FindingDraft {
  if (!detector.warmUp || d.severity === 'info' || d.class === 'unverified') return d;
  const needDays = detector.warmUp.days(options);
  const haveDays = historyDaysBefore(history, d.onset.slice(0, 10), needDays);
  if (haveDays >= needDays) return d;
  const metric = d.metric ?? 'this metric';
  return {
    ...d,
    severity: 'info',
    evidence: { ...d.evidence, warmUpDays: needDays, historyDays: haveDays, heldSeverity: d.severity },
    explanation:
      `${d.explanation} Not alerted: ${detector.id} needs ${needDays} days of ${metric} history before the onset to ` +
      `tell this from chance, and upwatch has ${haveDays}; with them it would be ${d.severity}.`,
  };
}

function note(d: FindingDraft, key: 'suppressed' | 'absorbed', rules: string[]): FindingDraft {
  if (rules.length === 0) return d;
  const prior = d.evidence[key];
  const all = [...new Set([...(Array.isArray(prior) ? prior.map(String) : []), ...rules])].sort();
  // Owners read these words: say what was left out and why (no period inside them; the pattern below relies on it).
  const words =
    key === 'suppressed'
      ? 'It also explains what other checks saw on this metric, not reported separately'
      : 'Other checks saw the same';
  return {
    ...d,
    evidence: { ...d.evidence, [key]: all },
    explanation: `${d.explanation.replace(new RegExp(` ${words}: [^.]*\\.$`), '')} ${words}: ${all.join(', ')}.`,
  };
}

/**
 * True when a scale finding explains a drift finding of its metric: it is not info and covers the panel (no entity
 * list, or at least half the entities) or every drifting entity.
 */
function scaleExplains(scale: FindingDraft, drift: FindingDraft): boolean {
  if (scale.severity === 'info') return false;
  if (scale.entities.length === 0 || (scale.entityShare ?? 0) >= 0.5) return true;
  return drift.entities.length > 0 && drift.entities.every((e) => scale.entities.includes(e));
}

/** Drop what an earlier stage explains, then merge drafts with one fingerprint into the most serious one. */
export function suppressAndMerge(tagged: readonly Tagged[]): FindingDraft[] {
  const explainers = new Map<string, { index: number; classes: Set<FindingClass>; suppressed: string[] }>();
  tagged.forEach((t, index) => {
    const d = t.draft;
    if (!d.metric) return;
    const classes = d.class === 'deprecation' ? STATISTICAL_CLASSES : new Set(d.explains ?? []);
    if (classes.size === 0) return;
    const key = `${d.source}|${d.metric}`;
    const prev = explainers.get(key);
    if (prev) {
      for (const c of classes) prev.classes.add(c);
    } else explainers.set(key, { index, classes: new Set(classes), suppressed: [] });
  });
  const kept: Tagged[] = [];
  // A scale finding (a unit change, a level shift) explains a drift of the same metric it covers.
  const scaleDrafts = tagged.filter((t) => t.draft.class === 'scale' && t.draft.metric !== undefined);
  const scaleSuppressed = new Map<Tagged, string[]>();
  for (const t of tagged) {
    const d = t.draft;
    const ex = d.metric ? explainers.get(`${d.source}|${d.metric}`) : undefined;
    if (ex && ex.classes.has(d.class) && tagged[ex.index] !== t) {
      ex.suppressed.push(d.rule);
      continue;
    }
    const scale =
      d.class === 'drift'
        ? scaleDrafts.find(
            (s) => s.draft.source === d.source && s.draft.metric === d.metric && scaleExplains(s.draft, d),
          )
        : undefined;
    if (scale) {
      scaleSuppressed.set(scale, [...(scaleSuppressed.get(scale) ?? []), d.rule]);
      continue;
    }
    kept.push(t);
  }
  for (const ex of explainers.values()) {
    const t = tagged[ex.index]!;
    const i = kept.indexOf(t);
    if (i >= 0) kept[i] = { ...t, draft: note(t.draft, 'suppressed', ex.suppressed) };
  }
  for (const [t, rules] of scaleSuppressed) {
    const i = kept.findIndex((k) => k.order === t.order);
    if (i >= 0) kept[i] = { ...t, draft: note(kept[i]!.draft, 'suppressed', rules) };
  }
  const groups = new Map<string, Tagged[]>();
  for (const t of kept) {
    const fp = fingerprintOf(t.draft);
    groups.set(fp, [...(groups.get(fp) ?? []), t]);
  }
  const out: { draft: FindingDraft; order: number }[] = [];
  for (const group of groups.values()) {
    const winner = [...group].sort(
      (a, b) =>
        compareSeverity(b.draft.severity, a.draft.severity) ||
        rankOf(b.draft.rule) - rankOf(a.draft.rule) ||
        dataOnly(a.draft) - dataOnly(b.draft) ||
        b.draft.entities.length - a.draft.entities.length ||
        a.order - b.order,
    )[0]!;
    const others = group
      .filter((t) => t !== winner && t.draft.rule !== winner.draft.rule)
      .map((t) => t.draft.rule);
    const same = group.filter((t) => compareSeverity(t.draft.severity, winner.draft.severity) === 0);
    const entities = [...new Set(same.flatMap((t) => t.draft.entities))].sort();
    const share = Math.max(...same.map((t) => t.draft.entityShare ?? 0));
    const merged: FindingDraft = { ...winner.draft, entities, ...(share > 0 ? { entityShare: share } : {}) };
    // The earliest announcement any channel knows of (onset stays the winner's: the day the upstream changed).
    const announcedOn = group
      .map((t) => t.draft.announcedOn)
      .filter((a): a is string => a !== undefined)
      .sort()[0];
    if (announcedOn !== undefined) merged.announcedOn = announcedOn;
    out.push({ draft: note(merged, 'absorbed', others), order: winner.order });
  }
  return out.sort((a, b) => a.order - b.order).map((t) => t.draft);
}
