// The counts per category of a categorical metric, pooled per entity over a baseline window and a recent window.
import type { MetricContract } from '../core/contract.js';
import type { MetricHistory, SeriesPoint } from '../core/detector.js';
import { dayNumber, dayString } from './stats/days.js';
import { MemoSlot } from '../core/memo-slot.js';

/** Windows every categorical detector reads: the last `recentDays`, and the `baselineDays` before them. */
export interface CategoryWindowOptions {
  /** Days (ending at the newest day) pooled into the recent mix. */
  recentDays: number;
  /** Days before the recent window pooled into the baseline mix. */
  baselineDays: number;
  /** Baseline days with counts an entity needs before it is judged. */
  minBaselineDays: number;
}

/** Counts per category over some days, with their total. */
export interface CategoryCounts {
  counts: Map<string, number>;
  total: number;
  /** Days that carried counts. */
  days: number;
}

/** One entity's baseline and recent mix, and its baseline days one by one (for overdispersion). */
export interface EntityMix {
  entity: string;
  baseline: CategoryCounts;
  recent: CategoryCounts;
  baselineDays: ReadonlyMap<string, number>[];
  /** First day each category had a count, over the whole history given. */
  firstSeen: ReadonlyMap<string, string>;
}

/** The windows of one metric: the newest day, where the recent window starts, and each judged entity's mix. */
export interface CategoryWindows {
  endDay: number;
  recentFrom: number;
  baselineFrom: number;
  entities: EntityMix[];
}

const options = {
  recentDays: { type: 'integer', minimum: 1, maximum: 28 },
  baselineDays: { type: 'integer', minimum: 3, maximum: 180 },
  minBaselineDays: { type: 'integer', minimum: 2 },
} as const;

/** JSON Schema properties of the window options, for each categorical detector's options schema. */
export const CATEGORY_WINDOW_SCHEMA: Record<keyof CategoryWindowOptions, Record<string, unknown>> = options;

/** Why a detector for categorical metrics does not apply to `metric` (undefined when it does). */
export function needsCategorical(metric: MetricContract): string | undefined {
  return metric.kind === 'categorical'
    ? undefined
    : `it reads counts per category, and ${metric.name} is of kind ${metric.kind} (declare kind: categorical)`;
}

function empty(): CategoryCounts {
  return { counts: new Map(), total: 0, days: 0 };
}

function add(into: CategoryCounts, breakdown: Readonly<Record<string, number>>): void {
  into.days++;
  for (const [k, v] of Object.entries(breakdown)) {
    if (!(v > 0)) continue;
    into.counts.set(k, (into.counts.get(k) ?? 0) + v);
    into.total += v;
  }
}

/**
 * Pool a categorical metric's breakdowns per entity into its baseline and recent windows. The newest day is the
 * latest day any entity has counts; an entity with fewer than `minBaselineDays` baseline days, or no recent day, is
 * left out. Pure.
 *
 * @example
 * categoryWindows(history, { recentDays: 7, baselineDays: 28, minBaselineDays: 14 })?.entities[0]?.recent.counts.get('video') // 412
 */
export function categoryWindows(
  history: MetricHistory,
  o: CategoryWindowOptions,
): CategoryWindows | undefined {
  // Four detectors read the same windows of a metric in one pass: pool them once per history and windows.
  const key = `${o.recentDays}/${o.baselineDays}/${o.minBaselineDays}`;
  const byKey =
    pooledWindows.get(history) ?? pooledWindows.set(history, new Map<string, CategoryWindows | undefined>());
  if (byKey.has(key)) return byKey.get(key);
  const w = pool(history, o);
  byKey.set(key, w);
  return w;
}

/** Pooled windows by history (immutable once built) and window options. */
const pooledWindows = new MemoSlot<MetricHistory, Map<string, CategoryWindows | undefined>>(
  'upwatch.windows',
);

function pool(history: MetricHistory, o: CategoryWindowOptions): CategoryWindows | undefined {
  let endDay = -Infinity;
  for (const pts of history.entities.values())
    for (let i = pts.length - 1; i >= 0; i--)
      if (pts[i]!.breakdown) {
        endDay = Math.max(endDay, dayNumber(pts[i]!.day));
        break;
      }
  if (!Number.isFinite(endDay)) return undefined;
  const recentFrom = endDay - o.recentDays + 1;
  const baselineFrom = recentFrom - o.baselineDays;
  // ISO days compare as strings: no day arithmetic per point.
  const recentDay = dayString(recentFrom);
  const baselineDay = dayString(baselineFrom);
  const entities: EntityMix[] = [];
  for (const [entity, pts] of history.entities) {
    const mix = entityMix(entity, pts, baselineDay, recentDay);
    if (mix.baseline.days >= o.minBaselineDays && mix.recent.days > 0 && mix.recent.total > 0)
      entities.push(mix);
  }
  return { endDay, recentFrom, baselineFrom, entities };
}

function entityMix(
  entity: string,
  pts: readonly SeriesPoint[],
  baselineFrom: string,
  recentFrom: string,
): EntityMix {
  const baseline = empty();
  const recent = empty();
  const baselineDays: Map<string, number>[] = [];
  const firstSeen = new Map<string, string>();
  for (const p of pts) {
    const b = p.breakdown;
    if (!b) continue;
    for (const [k, v] of Object.entries(b)) if (v > 0 && !firstSeen.has(k)) firstSeen.set(k, p.day);
    if (p.day >= recentFrom) add(recent, b);
    else if (p.day >= baselineFrom) {
      add(baseline, b);
      baselineDays.push(new Map(Object.entries(b).filter(([, v]) => v > 0)));
    }
  }
  return { entity, baseline, recent, baselineDays, firstSeen };
}

/** A share as a percentage for explanations, to 3 significant digits: `4.17%`. */
export function pctOf(x: number): string {
  return `${Number((x * 100).toPrecision(3))}%`;
}
