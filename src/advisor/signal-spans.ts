// A model's KPIs and trust signals in the advice: a finding on one is a reason to investigate before retraining,
// unless a declared event explains it.
import type { EventContract, FeatureContract } from '../core/contract.js';
import type { Decision } from '../core/decision.js';
import type { FindingRecord } from '../core/finding-record.js';
import type { AdviceSpan, EventLink } from './advice.js';
import { eventLink, eventOf } from './event-spans.js';
import { decisionOf, findingEnd, spanDecision, spanEntities } from './span-context.js';
import { clip, type TrainingWindow } from './window.js';

/** What a model watches besides its features: a KPI measured after prediction, or a trust signal. */
export interface ModelSignal {
  role: 'KPI' | 'trust signal';
  source: string;
  metric: string;
}

/**
 * The name the advice files a model's signals under, in place of a feature name.
 *
 * @example
 * signalGroup('underwriting', 'KPI') // 'KPI of underwriting'
 */
export function signalGroup(model: string, role: ModelSignal['role']): string {
  return `${role} of ${model}`;
}

/** Classes that say nothing about whether the model works: lifecycle news and polls that could not verify. */
const NOT_A_SIGNAL: ReadonlySet<string> = new Set(['deprecation', 'version', 'unverified']);

function headline(f: FindingRecord): string {
  return f.title ?? f.explanation.split(/(?<=\.)\s/)[0] ?? f.rule;
}

function reasonOf(
  f: FindingRecord,
  signal: ModelSignal,
  model: string,
  event: EventContract | undefined,
): string {
  const what = `${headline(f)} (${f.rule})`;
  if (event)
    return (
      `${what}: explained by event ${event.name}${event.description ? ` (${event.description.trim()})` : ''}, ` +
      `a known change: the ${signal.role} moved with the event, not with what the model predicts (for a proxy such as a ` +
      'click-through rate, not with relevance)'
    );
  return signal.role === 'KPI'
    ? `${what}: the KPI ${signal.metric} of model ${model} is out of line; investigate the model and its inputs ` +
        'before retraining (a retrain learns the window as it is)'
    : `${what}: people trust model ${model} less (${signal.metric}); find out why before anyone retrains`;
}

/**
 * Spans for the findings on one of a model's KPIs or trust signals inside the window: `investigate` (the verdict is
 * `do not retrain yet` until the finding resolves or a decision is recorded), `note` when a declared event explains
 * it (the event's own span drops its days when it is `train: false`), `decided` once someone recorded a decision.
 * Returns the spans and the event links (keyed by finding episode, as the features' links are).
 *
 * @example
 * signalSpans({ role: 'trust signal', source: 'loan-desk', metric: 'override_rate' }, 'credit-limit', findings, [],
 *   events, features, window)[0].spans[0].weight // 'investigate'
 */
export function signalSpans(
  signal: ModelSignal,
  model: string,
  findings: readonly FindingRecord[],
  decisions: readonly Decision[],
  events: readonly EventContract[],
  features: readonly FeatureContract[],
  window: TrainingWindow,
): { spans: AdviceSpan[]; links: Map<string, EventLink> } {
  const spans: AdviceSpan[] = [];
  const links = new Map<string, EventLink>();
  for (const f of findings) {
    if (f.source !== signal.source || f.metric !== signal.metric || NOT_A_SIGNAL.has(f.class)) continue;
    const onset = f.onset.slice(0, 10);
    const span = clip(window, onset, findingEnd(f, window));
    if (!span) continue;
    const event = eventOf(f, events, features);
    if (event) links.set(`${f.fingerprint}#${f.episode}`, eventLink(f, event));
    const decision = decisionOf(f, decisions);
    for (const entity of spanEntities(f))
      spans.push({
        kind: 'model-signal',
        feature: signalGroup(model, signal.role),
        source: f.source,
        metric: signal.metric,
        entity,
        ...span,
        action: 'ok',
        weight: decision ? 'decided' : event ? 'note' : 'investigate',
        finding: f.fingerprint,
        rule: f.rule,
        onset,
        reason: reasonOf(f, signal, model, event),
        ...(event ? { event: event.name } : {}),
        ...(decision ? { decision: spanDecision(decision) } : {}),
      });
  }
  return { spans, links };
}
