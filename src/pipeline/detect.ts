// Detection step of a poll cycle: read a source's recent history and polls from the store, run the detectors,
// and record the regime starts that confirmed changes imply.
import { addDays, isoDay } from '../core/clock.js';
import { isDerived, type SourceContract } from '../core/contract.js';
import { ratioHistory } from '../core/ratio-history.js';
import type { DocChange, MetricHistory } from '../core/detector.js';
import type { Finding } from '../core/finding.js';
import { runDetectors } from '../detectors/run.js';
import { regimeChanges } from '../detectors/regime.js';
import { FRAME_MAX_DAYS } from '../detectors/stats/frame.js';
import type { Store } from '../store/store.js';

/** Polls handed to detectors (payload-schema needs 15; volume checks read the last few). */
export const DETECT_POLLS = 30;

/**
 * Run every detector over one source as of `now` and return its findings (fingerprinted). A block-level,
 * panel-wide scale change records a new regime, so later polls baseline from its onset.
 *
 * @example
 * const findings = await detectSource(store, source, clock.now(), docChanges);
 */
export async function detectSource(
  store: Store,
  source: SourceContract,
  now: Date,
  docChanges: readonly DocChange[],
): Promise<Finding[]> {
  const sinceDay = addDays(isoDay(now), -FRAME_MAX_DAYS);
  const histories = new Map<string, MetricHistory>();
  // Points are read whole at once only where detectors read them: a categorical metric, the counts of a ratio.
  const counts = new Set(source.metrics.flatMap((m) => [m.numerator, m.denominator]));
  for (const m of source.metrics)
    if (!isDerived(m)) {
      const withPoints = m.kind === 'categorical' || counts.has(m.name);
      histories.set(m.name, await store.metricHistory(source.name, m.name, { sinceDay, withPoints }));
    }
  // A ratio of two counts is computed from their stored histories (it is never fetched or pushed itself).
  for (const m of source.metrics)
    if (m.numerator !== undefined && m.denominator !== undefined) {
      const empty = (metric: string) => ({ source: source.name, metric, entities: new Map() });
      histories.set(
        m.name,
        ratioHistory(
          source.name,
          m.name,
          histories.get(m.numerator) ?? empty(m.numerator),
          histories.get(m.denominator) ?? empty(m.denominator),
        ),
      );
    }
  const polls = await store.recentPolls(source.name, DETECT_POLLS);
  const regimes = await store.regimes.current(source.name);
  const findings = runDetectors({
    source,
    histories,
    polls,
    docChanges,
    ...(await watchedDocs(store, source)),
    now,
    regimes,
  });
  const changes = regimeChanges(findings).filter((c) => (regimes.get(c.metric) ?? '') < c.startDay);
  if (changes.length > 0) {
    await store.transaction(async () => {
      for (const c of changes)
        await store.regimes.record(source.name, c.metric, c.startDay, c.reason, now.toISOString());
    });
  }
  return findings;
}

/**
 * The stored state of a source's watched docs, as the detectors' `docs` and `docBaselines` inputs: the latest
 * snapshot of each (`fetchedAt` = when that content was first seen, so a finding derived from it keeps its onset
 * while the page says the same thing), and the first snapshot of each doc that has changed since.
 */
export async function watchedDocs(
  store: Store,
  source: SourceContract,
): Promise<{ docs: DocChange[]; docBaselines: Map<string, string> }> {
  const repo = store.docs;
  const docs: DocChange[] = [];
  const docBaselines = new Map<string, string>();
  for (const doc of source.docs) {
    const last = await repo.latest(source.name, doc.name);
    if (!last) continue;
    docs.push({ doc, current: last.normalized, fetchedAt: last.changedAt });
    const first = await repo.earliest(source.name, doc.name);
    if (first && first.id !== last.id) docBaselines.set(doc.name, first.normalized);
  }
  return { docs, docBaselines };
}
