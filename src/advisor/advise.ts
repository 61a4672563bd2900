// The advisor: may these features be retrained on this window, and what must be done to its rows first.
import { daysBetween } from '../core/clock.js';
import type { EventContract, FeatureContract, SourceContract } from '../core/contract.js';
import type { Decision } from '../core/decision.js';
import type { MetricHistory } from '../core/detector.js';
import type { FindingRecord } from '../core/finding-record.js';
import { panelScale } from '../detectors/panel-scale.js';
import { verdictOf, type Advice, type AdviceSpan, type EventLink, type InputCoverage } from './advice.js';
import { changeSpans } from './change-spans.js';
import { eventLink, eventOf, eventSpans } from './event-spans.js';
import { excursions } from './excursions.js';
import { frozenSpans } from './frozen-spans.js';
import { REMOVAL_RULES, removalSpans } from './removal-spans.js';
import { isTaxonomyFinding, taxonomySpans } from './taxonomy-spans.js';
import { signalGroup, signalSpans, type ModelSignal } from './signal-spans.js';
import { decisionOf, findingEnd, spanEntities, type SpanContext } from './span-context.js';
import { clip, type TrainingWindow } from './window.js';

/**
 * Days of a new regime before a retrain may learn it: the history the scale detectors need before they judge a
 * regime (panel-scale's `minHistory`), so the change is confirmed and has not reverted.
 */
export const NEW_REGIME_DAYS = panelScale.defaults.minHistory;

/** Days the retrained model is expected to serve, for announced removals. */
export const DEFAULT_SERVING_DAYS = 28;

/** A condition that came back within this many days is an excursion (unrepresentative), not a break. */
export const UNSTABLE_MAX_DAYS = 14;

/** Classes whose short, reverted findings are excursions: a burst, a dip, a campaign weekend. */
const EXCURSION_CLASSES: ReadonlySet<string> = new Set(['scale', 'drift', 'volume', 'nulls']);

export interface AdviseInput {
  window: TrainingWindow;
  /** The features asked about (already selected). */
  features: readonly FeatureContract[];
  sources: readonly SourceContract[];
  events?: readonly EventContract[];
  /** Every finding episode the store holds (any status). */
  findings: readonly FindingRecord[];
  decisions: readonly Decision[];
  /** Histories keyed `source/metric`, covering the window and, for frozen runs, the days before it. */
  histories: ReadonlyMap<string, MetricHistory>;
  now: Date;
  model?: string;
  /** The model's KPIs and trust signals (with `model`): findings on them are advised on too. */
  signals?: readonly ModelSignal[];
  newRegimeDays?: number;
  servingDays?: number;
  /** Mark excursions (`unstable` spans) to drop instead of keeping them with a note. */
  dropUnstable?: boolean;
}

/** The key `histories` is indexed by. */
export function historyKey(source: string, metric: string): string {
  return `${source}/${metric}`;
}

function concerns(f: FindingRecord, source: string, metric: string): boolean {
  if (f.source !== source) return false;
  if (f.metric !== undefined) return f.metric === metric;
  // Source-wide findings weigh on every metric only when they are about the source's lifecycle.
  return f.class === 'deprecation' || f.class === 'version';
}

function excursionSpans(f: FindingRecord, ctx: SpanContext, drop: boolean): AdviceSpan[] {
  const onset = f.onset.slice(0, 10);
  const end = findingEnd(f, ctx.window);
  const span = clip(ctx.window, onset, end);
  if (!span) return [];
  const days = daysBetween(onset, end) + 1;
  return spanEntities(f).map((entity) => ({
    kind: 'unstable' as const,
    feature: ctx.feature,
    source: ctx.source,
    metric: ctx.metric,
    entity,
    ...span,
    action: drop ? ('drop' as const) : ('ok' as const),
    weight: 'note' as const,
    finding: f.fingerprint,
    rule: f.rule,
    onset,
    reason: `a ${days}-day excursion from ${onset} that came back (${f.rule}): unrepresentative, ${drop ? 'dropped' : 'kept (drop it with --drop-unstable)'}`,
  }));
}

/** Excursions read from the history, on entities and days no other span of this input already covers. */
function seriesExcursions(taken: readonly AdviceSpan[], ctx: SpanContext, drop: boolean): AdviceSpan[] {
  const out: AdviceSpan[] = [];
  for (const [entity, series] of ctx.history?.entities ?? []) {
    for (const x of excursions(series, ctx.window)) {
      const overlaps = taken.some(
        (s) => (s.entity === '*' || s.entity === entity) && s.from <= x.to && x.from <= s.to,
      );
      if (overlaps) continue;
      const days = daysBetween(x.from, x.to) + 1;
      out.push({
        kind: 'unstable',
        feature: ctx.feature,
        source: ctx.source,
        metric: ctx.metric,
        entity,
        from: x.from,
        to: x.to,
        action: drop ? 'drop' : 'ok',
        weight: 'note',
        reason: `a ${days}-day excursion to ${x.peak >= 1 ? `×${x.peak}` : `÷${Number((1 / x.peak).toPrecision(3))}`} the usual level that came back: unrepresentative, ${drop ? 'dropped' : 'kept (drop it with --drop-unstable)'}`,
      });
    }
  }
  return out;
}

function unfitSpans(f: FindingRecord, ctx: SpanContext): AdviceSpan[] {
  const onset = f.onset.slice(0, 10);
  const span = clip(ctx.window, onset, findingEnd(f, ctx.window));
  if (!span) return [];
  return spanEntities(f).map((entity) => ({
    kind: 'unfit' as const,
    feature: ctx.feature,
    source: ctx.source,
    metric: ctx.metric,
    entity,
    ...span,
    action: 'drop' as const,
    weight: 'fix' as const,
    finding: f.fingerprint,
    rule: f.rule,
    onset,
    reason: `${f.title ?? f.explanation.split(/(?<=\.)\s/)[0]} (${f.rule}, blocking): drop these rows`,
  }));
}

/**
 * The change on another metric that a cross-metric finding blames (an invariant `unique ≤ total` broken because the
 * total moved): the finding's evidence names the metric that moved (or, when the detector could not tell, the other
 * side of the pair), and that metric has a change within a day of the finding's onset.
 */
function blamedChange(f: FindingRecord, all: readonly FindingRecord[]): FindingRecord | undefined {
  // The side that moved when the detector could tell, else the other side of the pair.
  const named = f.evidence['moved'] ?? f.evidence['atMost'];
  const moved = typeof named === 'string' ? named : undefined;
  if (moved === undefined || moved === f.metric) return undefined;
  return all.find(
    (c) =>
      c.source === f.source &&
      c.metric === moved &&
      c.lifecycle === 'change' &&
      Math.abs(daysBetween(c.onset, f.onset)) <= 1,
  );
}

function blamedSpans(f: FindingRecord, change: FindingRecord, ctx: SpanContext): AdviceSpan[] {
  const onset = f.onset.slice(0, 10);
  const span = clip(ctx.window, onset, findingEnd(f, ctx.window));
  if (!span) return [];
  return [
    {
      kind: 'unfit',
      feature: ctx.feature,
      source: ctx.source,
      metric: ctx.metric,
      entity: '*',
      ...span,
      action: 'ok',
      weight: 'note',
      finding: f.fingerprint,
      rule: f.rule,
      onset,
      reason: `${f.rule} since ${onset} is explained by the change of ${change.metric ?? '?'} on ${change.onset.slice(0, 10)} [${change.fingerprint.slice(0, 8)}]: these rows of ${ctx.metric} are fine`,
    },
  ];
}

/** The spans one finding contributes to one input. */
function spansOf(
  f: FindingRecord,
  all: readonly FindingRecord[],
  decisions: readonly Decision[],
  ctx: SpanContext,
  dropUnstable: boolean,
): AdviceSpan[] {
  const decision = decisionOf(f, decisions);
  const blamed = blamedChange(f, all);
  if (blamed) return blamedSpans(f, blamed, ctx);
  if (f.class === 'deprecation' || f.class === 'version') {
    if (f.effectiveDate !== undefined || REMOVAL_RULES.has(f.rule)) return removalSpans(f, decision, ctx);
    return [];
  }
  if (f.class === 'frozen') return frozenSpans(f, ctx);
  if (f.lifecycle === 'change') return changeSpans(f, decision, ctx);
  if (f.class === 'unverified') return [];
  if (isTaxonomyFinding(f)) return taxonomySpans(f, decision, ctx);
  const resolvedSoon =
    f.status === 'resolved' &&
    f.resolution !== 'decided' &&
    daysBetween(f.onset, findingEnd(f, ctx.window)) + 1 <= UNSTABLE_MAX_DAYS;
  if (resolvedSoon && EXCURSION_CLASSES.has(f.class)) return excursionSpans(f, ctx, dropUnstable);
  if (f.severity === 'block') return unfitSpans(f, ctx);
  return [];
}

function coverage(
  feature: string,
  source: string,
  metric: string,
  h: MetricHistory | undefined,
  w: TrainingWindow,
): InputCoverage {
  const days = new Set<string>();
  let entities = 0;
  for (const series of h?.entities.values() ?? []) {
    let any = false;
    for (const p of series)
      if (p.day >= w.from && p.day <= w.to && p.value !== null) {
        days.add(p.day);
        any = true;
      }
    if (any) entities++;
  }
  return { feature, source, metric, daysWithData: days.size, entities };
}

const SPAN_ORDER = (a: AdviceSpan, b: AdviceSpan): number =>
  a.feature.localeCompare(b.feature) ||
  a.source.localeCompare(b.source) ||
  a.metric.localeCompare(b.metric) ||
  a.from.localeCompare(b.from) ||
  a.entity.localeCompare(b.entity) ||
  a.kind.localeCompare(b.kind);

/**
 * The spans of a model's KPIs and trust signals (findings on them, and `train: false` events that touch them), with
 * their coverage as inputs of the group they are filed under.
 */
function addSignals(
  input: AdviseInput,
  model: string,
  out: { spans: AdviceSpan[]; inputs: InputCoverage[]; links: Map<string, EventLink> },
): void {
  const events = input.events ?? [];
  for (const signal of input.signals ?? []) {
    const found = signalSpans(
      signal,
      model,
      input.findings,
      input.decisions,
      events,
      input.features,
      input.window,
    );
    const group = found.spans[0]?.feature ?? signalGroup(model, signal.role);
    out.spans.push(
      ...found.spans,
      ...eventSpans(events, { name: group }, signal.source, signal.metric, input.window),
    );
    for (const [key, l] of found.links) out.links.set(key, l);
    const history = input.histories.get(historyKey(signal.source, signal.metric));
    out.inputs.push(coverage(group, signal.source, signal.metric, history, input.window));
  }
}

/**
 * Advise on a training window: every span of the selected features' inputs that is unfit to learn from, with its
 * cause and fix, and a verdict (`retrain`, `retrain after fixes`, `do not retrain yet`, `could not verify`). Pure:
 * findings, decisions, contracts and histories come in as data.
 *
 * @example
 * const advice = adviseWindow({ window: { from: '2026-03-01', to: '2026-03-28' }, features, sources, findings,
 *   decisions, histories, now });
 * advice.verdict; // 'retrain after fixes'
 * advice.spans[0]; // { kind: 'scale-change', action: 'rescale', factor: 0.001, onset: '2026-03-14', … }
 */
export function adviseWindow(input: AdviseInput): Advice {
  const events = input.events ?? [];
  const newRegimeDays = input.newRegimeDays ?? NEW_REGIME_DAYS;
  const servingDays = input.servingDays ?? DEFAULT_SERVING_DAYS;
  const spans: AdviceSpan[] = [];
  const inputs: InputCoverage[] = [];
  const unverified = new Map<string, { source: string; metric: string }>();
  const links = new Map<string, EventLink>();

  for (const feature of input.features) {
    for (const use of feature.uses) {
      const key = historyKey(use.source, use.metric);
      const history = input.histories.get(key);
      const provider = input.sources.find((s) => s.name === use.source)?.provider;
      const ctx: SpanContext = {
        feature: feature.name,
        source: use.source,
        metric: use.metric,
        ...(provider !== undefined ? { provider } : {}),
        window: input.window,
        now: input.now,
        ...(history ? { history } : {}),
        newRegimeDays,
        servingDays,
      };
      const own: AdviceSpan[] = [];
      for (const f of input.findings) {
        if (!concerns(f, use.source, use.metric)) continue;
        const found = spansOf(f, input.findings, input.decisions, ctx, input.dropUnstable === true);
        const event = eventOf(f, events, input.features);
        if (event) {
          links.set(f.fingerprint + '#' + f.episode, eventLink(f, event));
          for (const s of found) {
            s.event = event.name;
            s.reason += `; explained by event ${event.name}`;
          }
        }
        own.push(...found);
      }
      own.push(...eventSpans(events, feature, use.source, use.metric, input.window));
      own.push(...seriesExcursions(own, ctx, input.dropUnstable === true));
      spans.push(...own);
      const cov = coverage(feature.name, use.source, use.metric, history, input.window);
      inputs.push(cov);
      const explained = own.some((s) => s.kind === 'removed' || s.kind === 'event' || s.kind === 'frozen');
      if (cov.daysWithData === 0 && !explained)
        unverified.set(key, { source: use.source, metric: use.metric });
    }
  }

  if (input.model !== undefined) addSignals(input, input.model, { spans, inputs, links });

  spans.sort(SPAN_ORDER);
  const verdict = verdictOf(spans, unverified.size);
  const waits = spans.flatMap((s) => (s.weight === 'wait' && s.waitUntil ? [s.waitUntil] : []));
  const advice: Advice = {
    window: input.window,
    ...(input.model !== undefined ? { model: input.model } : {}),
    features: input.features.map((f) => f.name),
    verdict,
    spans,
    inputs,
    unverified: [...unverified.values()],
    eventLinks: [...links.values()],
  };
  if (verdict === 'do not retrain yet' && waits.length > 0) advice.retrainFrom = waits.sort().at(-1)!;
  return advice;
}
