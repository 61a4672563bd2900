// A small inline SVG chart of a metric series around a finding's onset, for the HTML part of alert mails.
import { escapeHtml as esc } from '../core/html.js';
import { addDays } from '../core/clock.js';
import type { MetricHistory } from '../core/detector.js';

export interface ChartOptions {
  /** ISO day of the onset, drawn as a dashed red line. */
  onset: string;
  /** Entities to draw (the first one present); all entities summed per day when none is present. */
  entities?: readonly string[];
  width?: number;
  height?: number;
  /**
   * ISO days drawn as the x axis, one position per day (days without a value are gaps). Without it the x axis is the
   * days that have values, so a metric that stopped reporting ends early and its onset may fall off the chart.
   */
  range?: { from: string; to: string };
}

function fmt(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return (n / 1e9).toFixed(1) + 'G';
  if (a >= 1e6) return (n / 1e6).toFixed(1) + 'M';
  if (a >= 1e4) return (n / 1e3).toFixed(1) + 'k';
  return Number.isInteger(n) ? String(n) : n.toPrecision(3);
}

/** One value per day: the chosen entity's series, or the sum over entities. */
export function chartSeries(
  history: MetricHistory,
  entities: readonly string[] = [],
): { day: string; value: number | null }[] {
  const entity = entities.find((e) => history.entities.has(e));
  if (entity !== undefined)
    return (history.entities.get(entity) ?? []).map((p) => ({ day: p.day, value: p.value }));
  const byDay = new Map<string, number | null>();
  for (const series of history.entities.values()) {
    for (const p of series) {
      const prev = byDay.get(p.day);
      byDay.set(p.day, p.value === null ? (prev ?? null) : (prev ?? 0) + p.value);
    }
  }
  return [...byDay.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, value]) => ({ day, value }));
}

/** Longest `range` drawn, in days (a chart has a few hundred pixels). */
const MAX_RANGE_DAYS = 3660;

/** The series laid out on every day of `range` (null where it has no value). */
function onDays(
  points: { day: string; value: number | null }[],
  range: { from: string; to: string },
): { day: string; value: number | null }[] {
  const byDay = new Map(points.map((p) => [p.day, p.value]));
  const out: { day: string; value: number | null }[] = [];
  for (let day = range.from; day <= range.to && out.length < MAX_RANGE_DAYS; day = addDays(day, 1))
    out.push({ day, value: byDay.get(day) ?? null });
  return out;
}

/**
 * Render the series as an inline `<svg>` (a polyline, the onset line, min/max and first/last day labels).
 * Returns undefined when there are fewer than two numeric points.
 *
 * @example
 * svgChart(store.metricHistory('meta', 'page_media_view', { sinceDay, untilDay }), { onset: '2026-03-14' })
 */
export function svgChart(history: MetricHistory, options: ChartOptions): string | undefined {
  const series = chartSeries(history, options.entities);
  const points = options.range ? onDays(series, options.range) : series;
  const numeric = points.filter(
    (p): p is { day: string; value: number } => p.value !== null && Number.isFinite(p.value),
  );
  if (numeric.length < 2) return undefined;
  const w = options.width ?? 360;
  const h = options.height ?? 100;
  const padL = 44;
  const padR = 8;
  const padT = 8;
  const padB = 18;
  let min = Math.min(...numeric.map((p) => p.value));
  let max = Math.max(...numeric.map((p) => p.value));
  if (min === max) {
    min -= 1;
    max += 1;
  }
  const n = points.length;
  const x = (i: number): number => padL + (n === 1 ? 0 : (i * (w - padL - padR)) / (n - 1));
  const y = (v: number): number => padT + ((max - v) * (h - padT - padB)) / (max - min);
  const segments: string[] = [];
  let current: string[] = [];
  points.forEach((p, i) => {
    if (p.value === null || !Number.isFinite(p.value)) {
      if (current.length) segments.push(current.join(' '));
      current = [];
    } else current.push(`${x(i).toFixed(1)},${y(p.value).toFixed(1)}`);
  });
  if (current.length) segments.push(current.join(' '));
  const onsetIndex = points.findIndex((p) => p.day >= options.onset);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(
      `${history.metric} around ${options.onset}`,
    )}" style="font-family:sans-serif;font-size:10px">`,
    `<rect x="${padL}" y="${padT}" width="${w - padL - padR}" height="${h - padT - padB}" fill="#fafafa" stroke="#ddd"/>`,
    ...segments.map((s) => `<polyline points="${s}" fill="none" stroke="#1f6feb" stroke-width="1.5"/>`),
  ];
  if (onsetIndex >= 0) {
    const ox = x(onsetIndex).toFixed(1);
    parts.push(
      `<line x1="${ox}" y1="${padT}" x2="${ox}" y2="${h - padB}" stroke="#d1242f" stroke-dasharray="3,2"/>`,
      `<text x="${ox}" y="${padT + 9}" fill="#d1242f" dx="3">onset</text>`,
    );
  }
  parts.push(
    `<text x="${padL - 4}" y="${padT + 8}" text-anchor="end" fill="#555">${esc(fmt(max))}</text>`,
    `<text x="${padL - 4}" y="${h - padB}" text-anchor="end" fill="#555">${esc(fmt(min))}</text>`,
    `<text x="${padL}" y="${h - 4}" fill="#555">${esc(points[0]!.day)}</text>`,
    `<text x="${w - padR}" y="${h - 4}" text-anchor="end" fill="#555">${esc(points[n - 1]!.day)}</text>`,
    '</svg>',
  );
  return parts.join('');
}
