// Detection step of a poll cycle: read a source's recent history and polls from the store, run the detectors,
// and record the regime starts that confirmed changes imply.
import { addDays, isoDay } from '../core/clock.js';
import type { SourceContract } from '../core/contract.js';
import type { DocChange, MetricHistory } from '../core/detector.js';
import type { Finding } from '../core/finding.js';
import { runDetectors } from '../detectors/run.js';
import { regimeChanges } from '../detectors/regime.js';
import { FRAME_MAX_DAYS } from '../detectors/stats/frame.js';
import { currentRegimes, recordRegime } from '../store/regimes.js';
import type { Store } from '../store/store.js';

/** Polls handed to detectors (payload-schema needs 15; volume checks read the last few). */
export const DETECT_POLLS = 30;

/**
 * Run every detector over one source as of `now` and return its findings (fingerprinted). A block-level,
 * panel-wide scale change records a new regime, so later polls baseline from its onset.
 *
 * @example
 * const findings = detectSource(store, source, clock.now(), docChanges);
 */
export function detectSource(
  store: Store,
  source: SourceContract,
  now: Date,
  docChanges: readonly DocChange[],
): Finding[] {
  const sinceDay = addDays(isoDay(now), -FRAME_MAX_DAYS);
  const histories = new Map<string, MetricHistory>();
  for (const m of source.metrics)
    histories.set(m.name, store.metricHistory(source.name, m.name, { sinceDay }));
  const polls = store.recentPolls(source.name, DETECT_POLLS);
  const regimes = currentRegimes(store, source.name);
  const findings = runDetectors({ source, histories, polls, docChanges, now, regimes });
  const changes = regimeChanges(findings).filter((c) => (regimes.get(c.metric) ?? '') < c.startDay);
  if (changes.length > 0) {
    store.transaction(() => {
      for (const c of changes)
        recordRegime(store, source.name, c.metric, c.startDay, c.reason, now.toISOString());
    });
  }
  return findings;
}
