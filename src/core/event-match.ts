// Declared events: which inputs an event touches, and the event a finding's onset falls in (advice, alerts, demo).
import type { EventContract, FeatureContract } from './contract.js';
import type { FindingRecord } from './finding-record.js';

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
