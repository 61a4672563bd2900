// Builds a detector input for one metric history, so detector tests read as data.
import type { MetricContract, MetricKind, SourceContract } from '../../src/core/contract.js';
import type { Detector, DetectorInput, MetricHistory } from '../../src/core/detector.js';
import type { FindingDraft } from '../../src/core/finding.js';
import type { PollRecord } from '../../src/core/observation.js';
import { metricOf, nowAfter, sourceOf } from './detector-series.js';
import { metricFrame } from '../../src/detectors/stats/frame.js';
import { dayString } from '../../src/detectors/stats/days.js';

/**
 * Run one detector on a history with its defaults (plus `options`), as the pipeline would right after a poll.
 *
 * @example
 * const drafts = runOn(frozenRun, historyOf({ p1: values }));
 */
export function runOn<O>(
  detector: Detector<O>,
  history: MetricHistory,
  extra: {
    options?: Partial<O>;
    kind?: MetricKind;
    metric?: MetricContract;
    polls?: PollRecord[];
    now?: Date;
    /** Source-level fields (checks, connection) on top of the default test source. */
    source?: Partial<SourceContract>;
  } = {},
): FindingDraft[] {
  const metric = extra.metric ?? metricOf(history.metric, extra.kind ?? 'count');
  const frame = metricFrame(history);
  const now =
    extra.now ?? (frame.length > 0 ? new Date(`${dayString(frame.endDay + 1)}T07:00:00.000Z`) : nowAfter(0));
  const input: DetectorInput<O> = {
    now,
    source: sourceOf([metric], extra.source ?? {}),
    metric,
    history,
    polls: extra.polls ?? [],
    docChanges: [],
    options: { ...detector.defaults, ...(extra.options ?? {}) },
  };
  return detector.detect(input);
}
