// Declared events in the advice: the drop span of an event not to train on, and the link of a finding it explains.
import type { EventContract, FeatureContract } from '../core/contract.js';
import { eventOf, eventTouches } from '../core/event-match.js';
import type { FindingRecord } from '../core/finding-record.js';
import type { AdviceSpan, EventLink } from './advice.js';
import { clip, type TrainingWindow } from './window.js';

/**
 * Drop spans of the events marked `train: false` that touch a feature's input inside the window.
 *
 * @example
 * eventSpans(events, feature, 'meta', 'page_media_view', window)
 * // [{ kind: 'event', event: 'ui-redesign-2026-03', from: '2026-03-10', to: '2026-03-16', action: 'drop', … }]
 */
export function eventSpans(
  events: readonly EventContract[],
  feature: Pick<FeatureContract, 'name'>,
  source: string,
  metric: string,
  window: TrainingWindow,
): AdviceSpan[] {
  const out: AdviceSpan[] = [];
  for (const e of events) {
    if (e.train || !eventTouches(e, feature.name, source, metric)) continue;
    const span = clip(window, e.from, e.to);
    if (!span) continue;
    out.push({
      kind: 'event',
      feature: feature.name,
      source,
      metric,
      entity: '*',
      ...span,
      action: 'drop',
      weight: 'fix',
      event: e.name,
      reason: `event ${e.name}${e.description ? ` (${e.description.trim()})` : ''} is declared not to train on: drop these rows`,
    });
  }
  return out;
}

/** The link of a finding to the event that explains it. */
export function eventLink(f: FindingRecord, e: EventContract): EventLink {
  return {
    finding: f.fingerprint,
    rule: f.rule,
    source: f.source,
    ...(f.metric !== undefined ? { metric: f.metric } : {}),
    onset: f.onset.slice(0, 10),
    event: e.name,
  };
}

export { eventOf, eventTouches };
