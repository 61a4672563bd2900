// What the advisor answers: the unfit spans of a training window, each with its cause and fix, and one verdict.
import type { DecisionKind } from '../core/decision.js';
import type { TrainingWindow } from './window.js';

/**
 * Why a span is unfit (or was, until a decision):
 * `frozen` the same value repeated; `scale-change` values before the onset are on the old unit;
 * `reverted-change` a change that came back, so its own span is on the odd unit; `removed` the metric is gone;
 * `new-regime` too few days since a change; `sunset` an announced removal inside the serving period;
 * `event` a declared event not to train on; `unfit` another blocking finding; `unstable` a short excursion that came back;
 * `model-signal` a finding on one of the model's KPIs or trust signals; `taxonomy` a categorical input whose categories
 * no longer cover the data.
 */
export const SPAN_KINDS = [
  'frozen',
  'scale-change',
  'reverted-change',
  'removed',
  'new-regime',
  'sunset',
  'event',
  'unfit',
  'unstable',
  'model-signal',
  'taxonomy',
] as const;
export type SpanKind = (typeof SPAN_KINDS)[number];

/** What a training job does with the rows of a span: drop them, multiply them by `factor`, or keep them. */
export const MASK_ACTIONS = ['drop', 'rescale', 'ok'] as const;
export type MaskAction = (typeof MASK_ACTIONS)[number];

/**
 * How a span weighs on the verdict: `wait` (the data does not exist yet), `investigate` (a KPI or trust signal of the
 * model is out of line: find out why first), `fix` (apply the mask first), `decided` (a recorded decision covers
 * it), `note` (worth knowing; blocks nothing).
 */
export type SpanWeight = 'wait' | 'investigate' | 'fix' | 'decided' | 'note';

/** The decision that covers a span, as the advice shows it. */
export interface SpanDecision {
  kind: DecisionKind;
  by: string;
  at: string;
  reason: string;
  factor?: number;
}

/**
 * One span of one feature's input (a metric, all its entities or one) inside the window.
 *
 * @example
 * { kind: 'scale-change', feature: 'reach_28d', source: 'meta', metric: 'page_media_view', entity: '*',
 *   from: '2026-03-01', to: '2026-03-13', action: 'rescale', factor: 0.001, weight: 'fix', onset: '2026-03-14', … }
 */
export interface AdviceSpan {
  kind: SpanKind;
  feature: string;
  source: string;
  metric: string;
  /** One entity, or `*` for every entity of the metric. */
  entity: string;
  /** First and last ISO day of the rows concerned, inside the window. */
  from: string;
  to: string;
  action: MaskAction;
  /** Multiply the rows by this (action `rescale`). */
  factor?: number;
  /** The range the measured factor lies in (the detector's interquartile range of per-entity ratios). */
  factorRange?: [number, number];
  weight: SpanWeight;
  /** Cause and fix in words. */
  reason: string;
  /** Fingerprint and rule of the finding behind the span. */
  finding?: string;
  rule?: string;
  /** First day the upstream changed. */
  onset?: string;
  /** Replacement metric (removed), with what is known about how the two relate. */
  replacement?: string;
  relation?: string;
  /** The first day training on the new regime is possible (new-regime). */
  waitUntil?: string;
  /** Day a removal takes effect (removed, sunset). */
  effectiveDate?: string;
  /** The event that explains the span (or that the span is). */
  event?: string;
  decision?: SpanDecision;
}

/** `could not verify`: an input has no history in the window and nothing explains why. */
export const VERDICTS = ['retrain', 'retrain after fixes', 'do not retrain yet', 'could not verify'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** An input of a selected feature, with how much of the window its history covers. */
export interface InputCoverage {
  feature: string;
  source: string;
  metric: string;
  /** Days of the window with at least one value. */
  daysWithData: number;
  entities: number;
}

/** A finding inside a declared event, linked to it. */
export interface EventLink {
  finding: string;
  rule: string;
  source: string;
  metric?: string;
  onset: string;
  event: string;
}

/** The advisor's answer for one window. */
export interface Advice {
  window: TrainingWindow;
  /** Model asked about, when the question was a model. */
  model?: string;
  features: string[];
  verdict: Verdict;
  /** Spans, ordered by feature, metric, day. */
  spans: AdviceSpan[];
  inputs: InputCoverage[];
  /** Inputs with no value in the window that no span explains. */
  unverified: { source: string; metric: string }[];
  /** Earliest day the verdict can turn (the latest `waitUntil`), when waiting is the answer. */
  retrainFrom?: string;
  eventLinks: EventLink[];
}

/**
 * The verdict of a set of spans: wait and investigate beat fix, which beats unverified, which beats retrain.
 *
 * @example
 * verdictOf([{ weight: 'fix' }], 0) // 'retrain after fixes'
 */
export function verdictOf(spans: readonly Pick<AdviceSpan, 'weight'>[], unverified: number): Verdict {
  if (spans.some((s) => s.weight === 'wait' || s.weight === 'investigate')) return 'do not retrain yet';
  if (spans.some((s) => s.weight === 'fix')) return 'retrain after fixes';
  return unverified > 0 ? 'could not verify' : 'retrain';
}
