// Excursions: short stretches of one entity's series far from its usual level that came back (a viral burst, a
// campaign weekend). Not a break, blocks nothing, but unrepresentative to learn from.
import type { SeriesPoint } from '../core/detector.js';
import type { TrainingWindow } from './window.js';

/** How an excursion is told apart from the series' ordinary movement. */
export interface ExcursionOptions {
  /** At most this many days long; a longer move is a level change, not an excursion. */
  maxDays: number;
  /** At least this far from the median, as a ratio either way (×3 or ÷3). */
  minRatio: number;
  /** And at least this many robust standard deviations of the log values from their median. */
  minZ: number;
  /** Series whose median is below this are too small to tell (counts of a few). */
  minLevel: number;
}

export const EXCURSION_DEFAULTS: ExcursionOptions = { maxDays: 7, minRatio: 3, minZ: 5, minLevel: 20 };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * The excursions of one series inside the window: stretches of at most `maxDays` consecutive days whose values lie
 * far from the series' median (on the log scale, against the window and the days before it), followed by a day back
 * at the usual level. A stretch still going at the window's end is not one (it may be a break).
 *
 * @example
 * excursions(series, { from: '2026-03-01', to: '2026-03-28' }) // [{ from: '2026-03-14', to: '2026-03-15', peak: 8.1 }]
 */
export function excursions(
  series: readonly Pick<SeriesPoint, 'day' | 'value'>[],
  window: TrainingWindow,
  options: ExcursionOptions = EXCURSION_DEFAULTS,
): { from: string; to: string; peak: number }[] {
  const pts = series.filter(
    (p): p is { day: string; value: number } => p.value !== null && p.value > 0 && p.day <= window.to,
  );
  if (pts.length < 14) return [];
  const logs = pts.map((p) => Math.log(p.value));
  const mid = median(logs);
  if (Math.exp(mid) < options.minLevel) return [];
  const mad = median(logs.map((l) => Math.abs(l - mid))) * 1.4826;
  const far = logs.map((l) => {
    const d = Math.abs(l - mid);
    return d >= Math.log(options.minRatio) && (mad === 0 || d / mad >= options.minZ);
  });
  const out: { from: string; to: string; peak: number }[] = [];
  for (let i = 0; i < pts.length; i++) {
    if (!far[i]) continue;
    let j = i;
    while (j + 1 < pts.length && far[j + 1]) j++;
    const back = j + 1 < pts.length;
    const days = j - i + 1;
    if (back && i > 0 && days <= options.maxDays && pts[i]!.day >= window.from) {
      let peak = 1;
      for (let k = i; k <= j; k++) {
        const r = Math.exp(logs[k]! - mid);
        if (Math.abs(Math.log(r)) > Math.abs(Math.log(peak))) peak = r;
      }
      out.push({ from: pts[i]!.day, to: pts[j]!.day, peak: Number(peak.toPrecision(3)) });
    }
    i = j;
  }
  return out;
}
