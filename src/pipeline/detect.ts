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
import { docSnapshots } from '../store/doc-snapshots.js';

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
  const findings = runDetectors({
    source,
    histories,
    polls,
    docChanges,
    docs: latestDocs(store, source),
    docBaselines: docBaselines(store, source),
    now,
    regimes,
  });
  const changes = regimeChanges(findings).filter((c) => (regimes.get(c.metric) ?? '') < c.startDay);
  if (changes.length > 0) {
    store.transaction(() => {
      for (const c of changes)
        recordRegime(store, source.name, c.metric, c.startDay, c.reason, now.toISOString());
    });
  }
  return findings;
}

/**
 * The latest stored snapshot of each watched doc of a source, as the detectors' `docs` input: `fetchedAt` is when
 * that content was first seen, so a finding derived from it keeps its onset while the page says the same thing.
 */
export function latestDocs(store: Store, source: SourceContract): DocChange[] {
  const repo = docSnapshots(store);
  const out: DocChange[] = [];
  for (const doc of source.docs) {
    const snap = repo.latest(source.name, doc.name);
    if (snap) out.push({ doc, current: snap.normalized, fetchedAt: snap.changedAt });
  }
  return out;
}

/** The first stored snapshot of each watched doc that has changed since (doc name → normalized text). */
export function docBaselines(store: Store, source: SourceContract): Map<string, string> {
  const repo = docSnapshots(store);
  const out = new Map<string, string>();
  for (const doc of source.docs) {
    const first = repo.earliest(source.name, doc.name);
    const last = repo.latest(source.name, doc.name);
    if (first && last && first.id !== last.id) out.set(doc.name, first.normalized);
  }
  return out;
}
