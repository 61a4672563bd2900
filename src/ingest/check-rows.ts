// Checking pushed rows against a source's contract before anything is stored: every problem, with its line.
import { isoDay } from '../core/clock.js';
import type { MetricContract, MetricKind, SourceContract } from '../core/contract.js';
import { didYouMean } from '../contracts/did-you-mean.js';

/** One pushed value: the backtest history format (`date,source,metric,entity,value`) and the line it came from. */
export interface PushedRow {
  date: string;
  source: string;
  metric: string;
  entity: string;
  value: number | null;
  /** Category of a `categorical` metric's count (the `category` column). */
  category?: string;
  line: number;
}

/** A row the contract refuses, at its line of the file. */
export interface RowProblem {
  line: number;
  message: string;
  hint?: string;
}

/** Why a value cannot be of a kind, or undefined when it can. Null values are always allowed (a gap). */
function kindProblem(kind: MetricKind, value: number | null): string | undefined {
  if (value === null) return undefined;
  if ((kind === 'count' || kind === 'categorical') && (!Number.isInteger(value) || value < 0))
    return `a count is a whole number ≥ 0 (got ${value})`;
  if (kind === 'ratio' && (value < 0 || value > 1)) return `a ratio is a 0..1 share (got ${value})`;
  if (kind === 'percent' && (value < 0 || value > 100)) return `a percent is a 0..100 share (got ${value})`;
  return undefined;
}

const KIND_HINT: Partial<Record<MetricKind, string>> = {
  ratio: 'a 0..100 share is "percent"; divide by 100 in the export, or declare the metric as percent',
  percent: 'a value above 100 is not a share; check the export or declare another kind',
  count: 'a fractional or negative value is not a count; declare the metric as gauge or amount if it is one',
  categorical: 'each row of a categorical metric is the count of one category: a whole number ≥ 0',
};

/** Why a row's category does not fit its metric, with a hint, or undefined when it does. */
function categoryProblem(
  metric: MetricContract,
  source: string,
  r: PushedRow,
): { message: string; hint: string } | undefined {
  if (metric.kind === 'categorical' && r.category === undefined)
    return {
      message: `${source}/${r.metric} is categorical: each row needs a category`,
      hint: 'add a category column: date,source,metric,entity,category,value (one row per category and day)',
    };
  if (metric.kind !== 'categorical' && r.category !== undefined)
    return {
      message: `${source}/${r.metric} is declared kind ${metric.kind}, so a row cannot carry category "${r.category}"`,
      hint: 'leave the category empty for this metric, or declare it kind: categorical',
    };
  return undefined;
}

/** Why a row's entity is not one of its metric's ordered segments, with a hint, or undefined when it is. */
function segmentProblem(
  segmented: MetricContract | undefined,
  source: string,
  r: PushedRow,
): { message: string; hint: string } | undefined {
  const order = segmented?.segments?.order;
  if (!segmented || !order || order.includes(r.entity)) return undefined;
  const via = segmented.name === r.metric ? '' : ` (the ${segmented.name} it is part of)`;
  return {
    message: `${source}/${r.metric}${via} is segmented by ${segmented.segments!.dimension} into ${order.join(', ')}: "${r.entity}" is none of them`,
    hint: didYouMean(r.entity, order) ?? `use one of ${order.join(', ')}, or add the value to segments.order`,
  };
}

/**
 * The metric whose ordered segments a pushed metric's entities must be: its own, or those of the ratio it is the
 * numerator or denominator of (claims and policies per risk band feed a claim rate by band).
 */
function orderedSegmentsOf(source: SourceContract, metric: MetricContract): MetricContract | undefined {
  if (metric.segments?.order) return metric;
  return source.metrics.find(
    (m) => m.segments?.order !== undefined && (m.numerator === metric.name || m.denominator === metric.name),
  );
}

/**
 * Every problem of a batch of pushed rows for `source`, as of `now`: a row naming another source, an undeclared
 * metric (with a did-you-mean), a value its metric's kind cannot take, a category missing on a categorical metric
 * or given on another, a segment outside its metric's `segments.order`, a duplicate (source, metric, entity,
 * category, day) and a day after today (UTC). Empty = the batch may be stored. Pure.
 *
 * @example
 * checkPushedRows(rows, claimsSource, new Date('2026-03-14T08:00:00Z'))
 * // [{ line: 7, message: 'metric "loss_ratio_lo" is not declared by source "claims"', hint: 'did you mean "loss_ratio_low"?' }]
 */
export function checkPushedRows(rows: readonly PushedRow[], source: SourceContract, now: Date): RowProblem[] {
  const out: RowProblem[] = [];
  const metrics = new Map<string, MetricContract>(source.metrics.map((m) => [m.name, m]));
  const today = isoDay(now);
  const seen = new Map<string, number>();
  for (const r of rows) {
    if (r.source !== source.name) {
      out.push({
        line: r.line,
        message: `row is for source "${r.source}", not "${source.name}"`,
        hint: `push one source at a time: filter the export, or run upwatch ingest --source ${r.source}`,
      });
      continue;
    }
    const metric = metrics.get(r.metric);
    if (!metric) {
      const names = [...metrics.keys()];
      out.push({
        line: r.line,
        message: `metric "${r.metric}" is not declared by source "${source.name}"`,
        hint: didYouMean(r.metric, names) ?? `declared metrics: ${names.join(', ')}`,
      });
      continue;
    }
    if (metric.numerator !== undefined && metric.denominator !== undefined) {
      out.push({
        line: r.line,
        message: `${source.name}/${r.metric} is computed from ${metric.numerator} / ${metric.denominator}: it is not pushed`,
        hint: `push ${metric.numerator} and ${metric.denominator} instead`,
      });
      continue;
    }
    for (const problem of [
      categoryProblem(metric, source.name, r),
      segmentProblem(orderedSegmentsOf(source, metric), source.name, r),
    ])
      if (problem) out.push({ line: r.line, ...problem });
    const bad = kindProblem(metric.kind, r.value);
    if (bad) {
      const hint = KIND_HINT[metric.kind];
      out.push({
        line: r.line,
        message: `${source.name}/${r.metric} is declared kind ${metric.kind}: ${bad}`,
        ...(hint ? { hint } : {}),
      });
    }
    if (r.date > today)
      out.push({
        line: r.line,
        message: `date ${r.date} is in the future (today is ${today} UTC)`,
        hint: 'push days that have ended; check the export job’s time zone',
      });
    const key = `${r.metric}\u0000${r.entity}\u0000${r.date}\u0000${r.category ?? ''}`;
    const first = seen.get(key);
    const what = r.category !== undefined ? ` category ${r.category}` : '';
    if (first !== undefined)
      out.push({
        line: r.line,
        message: `duplicate row: ${r.metric} for entity ${r.entity}${what} on ${r.date} is already on line ${first}`,
        hint: `one value per (metric, entity, ${r.category !== undefined ? 'category, ' : ''}date); deduplicate the export`,
      });
    else seen.set(key, r.line);
  }
  return out;
}
