// N2: fewer entities reported the expected day than usual, or the metric stopped arriving altogether.
import type { Detector } from '../core/detector.js';
import { entityList, forMetric, presentCounts, round6 } from './common.js';
import { arrivalLags, normalLag } from './arrival.js';
import { dayNumberOfDate, dayString } from './stats/days.js';
import { MAD_TO_SD, mad, median } from './stats/robust.js';
import { formatNumber } from './stats/units.js';

/** Default of `deprecation-runtime`'s `missingPolls`: the same number of missing days blocks from data alone. */
export const DEFAULT_MISSING_POLLS = 2;

/** The `missingPolls` a source sets for `deprecation-runtime` (a poll path and a data-only path wait alike). */
function missingPollsOf(source: {
  checks: Record<string, { options?: Record<string, unknown> } | undefined>;
}): number {
  const v = source.checks['deprecation-runtime']?.options?.['missingPolls'];
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : DEFAULT_MISSING_POLLS;
}

export interface VolumeDropOptions {
  /** Robust z on ln(count+1) below which the count is a drop. */
  z: number;
  /** Smallest relative drop reported (guards against tiny, significant dips on constant panels). */
  minDrop: number;
  baselineDays: number;
  /** Days of counts needed. */
  minHistory: number;
  /** Quantile of learned arrival lags that defines the expected day. */
  lagQuantile: number;
  /** Share of baseline days an entity must have reported to count as expected. */
  regularShare: number;
}

export const volumeDrop: Detector<VolumeDropOptions> = {
  id: 'volume-drop',
  title: 'Entities or the whole metric stopped arriving',
  description:
    'Counts the entities that reported the day expected by now (learned from when periods usually arrive) and ' +
    'compares with the 28-day counts: when the source declares its entities the comparison is exact and lists what ' +
    'is missing; otherwise a robust z on ln(count) ≤ −4 fires. A metric that stops arriving (no entity at all, or ' +
    'HTTP 200 with an empty `data`) is reported as stopped, which suppresses freeze and scale findings on it. ' +
    'When no entity has sent it for as many days as `deprecation-runtime` waits (`missingPolls`, default 2) and it ' +
    'used to arrive daily, it blocks as `metric-missing-from-data` (class deprecation, a held change) from the data ' +
    'alone, so a backtest without poll outcomes concludes as a poll does; on a poll it merges with the runtime ' +
    "check's finding of the same metric.",
  class: 'volume',
  stage: 'volume',
  scope: 'metric',
  defaults: { z: 4, minDrop: 0.1, baselineDays: 28, minHistory: 7, lagQuantile: 0.9, regularShare: 0.9 },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      z: { type: 'number', exclusiveMinimum: 0 },
      minDrop: { type: 'number', minimum: 0, maximum: 1 },
      baselineDays: { type: 'integer', minimum: 3 },
      minHistory: { type: 'integer', minimum: 2 },
      lagQuantile: { type: 'number', minimum: 0, maximum: 1 },
      regularShare: { type: 'number', minimum: 0, maximum: 1 },
    },
  },
  // eslint-disable-next-line max-lines-per-function -- one test read top to bottom: arrival lag, missing days, the stopped-metric case, evidence, explanation
  detect: forMetric(({ input, frame, metric, history, o }) => {
    const lag = normalLag(arrivalLags(frame, history, o.baselineDays), o.lagQuantile, 5, 1);
    const expectedDay = Math.max(frame.endDay, dayNumberOfDate(input.now) - lag);
    const iE = expectedDay - frame.startDay;
    const baseFrom = Math.max(0, iE - o.baselineDays);
    const baseTo = Math.min(iE - 1, frame.length - 1);
    // The baseline days and the expected day, counted in one read of each series.
    const countedTo = Math.min(iE, frame.length - 1);
    const counted = presentCounts(frame, baseFrom, countedTo);
    const countAt = (i: number): number => {
      if (i >= frame.length) return 0;
      if (i >= baseFrom && i <= countedTo) return counted[i - baseFrom]!;
      let c = 0;
      for (const s of frame.entities) if (s.presence[i]! > 0) c++;
      return c;
    };
    const counts: number[] = [];
    for (let i = baseFrom; i <= baseTo; i++) counts.push(countAt(i));
    const c = countAt(iE);
    const lastPoll = [...input.polls].reverse().find((p) => p.outcome !== 'failed');
    const empty =
      lastPoll?.metricOutcomes.some((x) => x.metric === metric.name && x.status === 'missing') === true &&
      c === 0;
    const regular = frame.entities
      .filter((s) => {
        let seen = 0;
        for (let i = baseFrom; i <= baseTo; i++) if (s.presence[i]! > 0) seen++;
        return counts.length > 0 && seen / counts.length >= o.regularShare;
      })
      .filter((s) => iE >= frame.length || s.presence[iE] === 0)
      .map((s) => s.entity)
      .sort();
    const conn = input.source.connection;
    const declared = conn.kind === 'meta-graph' ? conn.pages : conn.kind === 'http-json' ? conn.entities : [];
    const med = median(counts);
    let fired = empty;
    let zScore = NaN;
    if (!fired && counts.length >= o.minHistory && med > 0) {
      if (declared.length > 0 && regular.length > 0 && regular.every((e) => declared.includes(e)))
        fired = true;
      const sd = Math.max(MAD_TO_SD * mad(counts.map((x) => Math.log(x + 1))), 0.05);
      zScore = (Math.log(c + 1) - Math.log(med + 1)) / sd;
      if (zScore <= -o.z && c <= (1 - o.minDrop) * med) fired = true;
    }
    // Every entity stopped: the metric is gone from the data. After as many days as a poll waits for
    // `metric-missing-from-data` (deprecation-runtime's missingPolls), the data alone concludes the same, so a replay
    // without poll outcomes blocks exactly like a poll does; the two drafts share a fingerprint and merge.
    // It keeps saying so while the window still holds the days before it stopped (the baseline of zeros no longer
    // makes a drop then), as the poll's outcomes keep saying `missing`. Only a metric that arrived daily before it
    // stopped counts (the median count of the days before is above zero), not one that reports now and then.
    if (c === 0) {
      let last = Math.min(iE, frame.length - 1);
      while (last >= 0 && countAt(last) === 0) last--;
      const missingDays = iE - last;
      const k = missingPollsOf(input.source);
      const before: number[] = [];
      for (let i = Math.max(0, last - o.baselineDays + 1); i <= last; i++) before.push(countAt(i));
      const usual = median(before);
      if (last >= 0 && missingDays >= k && usual > 0 && (fired || before.length >= o.minHistory)) {
        const since = dayString(frame.startDay + last + 1);
        return [
          {
            rule: 'metric-missing-from-data',
            class: 'deprecation',
            severity: 'block',
            source: input.source.name,
            metric: metric.name,
            entities: frame.entities.map((s) => s.entity).sort(),
            onset: since,
            evidence: {
              channel: 'missing-data',
              dataOnly: true,
              consecutiveDays: missingDays,
              since,
              lastDay: dayString(frame.startDay + last),
              usualCount: round6(usual),
              stopped: true,
              emptyResponse: empty,
            },
            explanation:
              `${metric.name}: none of the ${formatNumber(usual)} entities that usually report it has sent a value ` +
              `for ${missingDays} days (last on ${dayString(frame.startDay + last)}), and no error explains it: ` +
              `the metric is gone from the data, as when the upstream removes or renames it. Features built on it ` +
              `stay blocked until someone records a decision (upwatch accept).`,
          },
        ];
      }
    }
    if (!fired) return [];
    const stopped = c === 0;
    let onset = iE;
    for (let i = iE - 1; i > baseFrom; i--) {
      if (i < frame.length && countAt(i) > (1 - o.minDrop) * med) break;
      onset = i;
    }
    const day = dayString(expectedDay);
    const explanation = stopped
      ? `${metric.name}: no entity reported ${day}` +
        (empty ? ' (the upstream answered with no data for it)' : '') +
        ` where ${formatNumber(med)} usually do; the metric stopped arriving since ${dayString(frame.startDay + onset)}.`
      : `${metric.name}: ${c} entities reported ${day}, usually ${formatNumber(med)}` +
        (Number.isFinite(zScore) ? ` (z=${formatNumber(zScore)})` : '') +
        `; missing: ${entityList(regular, 5)}.`;
    return [
      {
        rule: 'volume-drop',
        class: 'volume',
        severity: 'warn',
        source: input.source.name,
        metric: metric.name,
        entities: stopped ? frame.entities.map((s) => s.entity).sort() : regular,
        entityShare: round6(med > 0 ? Math.min(1, (med - c) / med) : 1),
        onset: dayString(frame.startDay + onset),
        evidence: {
          count: c,
          usualCount: round6(med),
          z: Number.isFinite(zScore) ? round6(zScore) : null,
          expectedDay: day,
          arrivalLagDays: lag,
          missing: regular.slice(0, 50),
          stopped,
          emptyResponse: empty,
        },
        explanation,
      },
    ];
  }),
};
