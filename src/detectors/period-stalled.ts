// The period end stopped advancing: polls keep re-serving the same newest period while new ones should exist.
import type { Detector } from '../core/detector.js';
import { forMetric } from './common.js';
import { arrivalLags, normalLag } from './arrival.js';
import { dayNumberOfDate, dayString } from './stats/days.js';

export interface PeriodStalledOptions {
  /** Days past the normal arrival lag before a stalled period end is reported. */
  graceDays: number;
  /** Verified polls since the newest period was first seen that must have re-served it. */
  minPolls: number;
}

export const periodStalled: Detector<PeriodStalledOptions> = {
  id: 'period-stalled',
  title: 'Period end no longer advancing',
  description:
    'The upstream still answers and re-serves its newest period (it is seen again in the latest poll), but that ' +
    'period end has not advanced for longer than the learned arrival lag plus a grace day, over at least 2 ' +
    'verified polls. Unlike freshness (nothing arrives), the upstream is serving a stalled snapshot. Warns.',
  class: 'frozen',
  stage: 'frozen',
  scope: 'metric',
  defaults: { graceDays: 1, minPolls: 2 },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { graceDays: { type: 'integer', minimum: 0 }, minPolls: { type: 'integer', minimum: 1 } },
  },
  detect: forMetric(({ input, frame, metric, history, o, T }) => {
    const lag = normalLag(arrivalLags(frame, history, 28), 0.9, 5, 1);
    const behind = dayNumberOfDate(input.now) - frame.endDay;
    if (behind <= lag + o.graceDays) return [];
    let firstSeen = '';
    let lastSeen = '';
    for (const s of frame.entities) {
      const pi = s.pointIndex[T]!;
      if (pi < 0) continue;
      // The exact times of the newest day's points (a day number is not enough to compare with poll times).
      const p = history.entities.get(s.entity)![pi]!;
      if (firstSeen === '' || p.firstSeen < firstSeen) firstSeen = p.firstSeen;
      if (p.lastSeen > lastSeen) lastSeen = p.lastSeen;
    }
    const verified = input.polls.filter((p) => p.outcome !== 'failed' && p.startedAt > firstSeen);
    const current = verified[verified.length - 1];
    if (verified.length < o.minPolls || !current || lastSeen < current.startedAt) return [];
    return [
      {
        rule: 'period-stalled',
        class: 'frozen',
        severity: 'warn',
        source: input.source.name,
        metric: metric.name,
        entities: [],
        onset: dayString(frame.endDay + 1),
        evidence: {
          newestDay: dayString(frame.endDay),
          daysBehind: behind,
          usualLagDays: lag,
          pollsReservingIt: verified.length,
        },
        explanation:
          `${metric.name}: the newest period is still ${dayString(frame.endDay)} after ${verified.length} polls (${behind} days behind, ` +
          `normal lag ${lag} d); the upstream keeps re-serving it. Its period end stopped advancing.`,
      },
    ];
  }),
};
