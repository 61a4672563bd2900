// N3: the newest value of a metric is older than it normally is at poll time.
import type { Detector } from '../core/detector.js';
import { forMetric } from './common.js';
import { arrivalLags, normalLag } from './arrival.js';
import { dayNumberOfDate, dayString } from './stats/days.js';
import { VALUE } from './stats/frame.js';

export interface FreshnessOptions {
  /** Agreed maximum age of the newest value, in days (0 = learn only). */
  slaDays: number;
  /** Quantile of learned arrival lags. */
  lagQuantile: number;
  /** Periods of arrivals needed before learning applies. */
  minPeriods: number;
  /** Poll interval in days (slack added to the learned lag). */
  pollIntervalDays: number;
}

export const freshness: Detector<FreshnessOptions> = {
  id: 'freshness',
  title: 'Newest value is late',
  description:
    'Measures how old the newest non-null value of a metric is at poll time and fires when that lag exceeds both ' +
    'the agreed SLA and the 99th percentile of learned arrival lags plus one poll interval (learned over at least ' +
    '10 periods; an upper bound only: early data never alerts).',
  class: 'freshness',
  stage: 'volume',
  scope: 'metric',
  defaults: { slaDays: 0, lagQuantile: 0.99, minPeriods: 10, pollIntervalDays: 1 },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      slaDays: { type: 'number', minimum: 0 },
      lagQuantile: { type: 'number', minimum: 0, maximum: 1 },
      minPeriods: { type: 'integer', minimum: 1 },
      pollIntervalDays: { type: 'number', exclusiveMinimum: 0 },
    },
  },
  detect: forMetric(({ input, frame, metric, history, o }) => {
    const lags = arrivalLags(frame, history, 56);
    if (lags.length < o.minPeriods) return [];
    const q = normalLag(lags, o.lagQuantile, o.minPeriods, 1);
    let newest = -1;
    for (const s of frame.entities) {
      for (let i = frame.length - 1; i > newest; i--) {
        if (s.presence[i] === VALUE) {
          newest = i;
          break;
        }
      }
    }
    if (newest < 0) return [];
    const newestDay = frame.startDay + newest;
    const lag = dayNumberOfDate(input.now) - newestDay;
    const threshold = Math.max(o.slaDays, q + o.pollIntervalDays);
    if (lag <= threshold) return [];
    return [
      {
        rule: 'freshness',
        class: 'freshness',
        severity: 'warn',
        source: input.source.name,
        metric: metric.name,
        entities: [],
        onset: dayString(newestDay + 1),
        evidence: {
          newestDay: dayString(newestDay),
          lagDays: lag,
          usualLagDays: q,
          thresholdDays: threshold,
        },
        explanation:
          `${metric.name}: newest value ${dayString(newestDay)}, ${lag} days old at poll time ` +
          `(normal ≤${q} d, alert above ${threshold} d). The upstream stopped delivering new periods.`,
      },
    ];
  }),
};
