// Declared events: which inputs an event touches, the drop span of an event not to train on, and findings it explains.
import type { EventContract, FeatureContract } from '../core/contract.js';
import type { FindingRecord } from '../core/finding-record.js';
import type { AdviceSpan, EventLink } from './advice.js';
import { clip, type TrainingWindow } from './window.js';

/**
 * True when the event touches this input of this feature: the feature is named, or the metric, or its source.
 *
 * @example
 * eventTouches({ sources: [], metrics: ['meta/page_media_view'], features: [] }, 'ranker_ctr', 'meta', 'page_media_view') // true
 */
export function eventTouches(
  e: Pick<EventContract, 'sources' | 'metrics' | 'features'>,
  feature: string | undefined,
  source: string,
  metric: string | undefined,
): boolean {
  if (feature !== undefined && e.features.includes(feature)) return true;
  if (e.sources.includes(source)) return true;
  return metric !== undefined && e.metrics.includes(`${source}/${metric}`);
}

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

/**
 * The event a finding falls in: its onset lies inside the event's days and the event touches its source or metric
 * (or a feature that uses it).
 *
 * @example
 * eventOf(finding, events, features)?.name // 'ui-redesign-2026-03'
 */
export function eventOf(
  f: Pick<FindingRecord, 'onset' | 'source' | 'metric'>,
  events: readonly EventContract[],
  features: readonly FeatureContract[],
): EventContract | undefined {
  const onset = f.onset.slice(0, 10);
  return events.find(
    (e) =>
      e.from <= onset &&
      onset <= e.to &&
      (eventTouches(e, undefined, f.source, f.metric) ||
        features.some(
          (feat) =>
            e.features.includes(feat.name) &&
            feat.uses.some((u) => u.source === f.source && (f.metric === undefined || u.metric === f.metric)),
        )),
  );
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
