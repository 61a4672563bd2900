// Which findings confirm a change that re-baselines a metric: block-level, panel-wide scale or level changes.
import type { Finding, FindingDraft } from '../core/finding.js';

/** Rules whose confirmed findings start a new regime for the metric. */
export const REBASELINE_RULES: ReadonlySet<string> = new Set([
  'unit-scale',
  'panel-scale',
  'representation-flip',
  'level-shift',
]);

/** A metric whose baseline restarts at `startDay`. */
export interface RegimeChange {
  metric: string;
  startDay: string;
  reason: string;
}

/**
 * The regime starts confirmed by a poll's findings: block-severity scale findings covering at least `minShare`
 * of the metric's entities (a single rescaled entity does not re-baseline the whole metric).
 *
 * @example
 * regimeChanges(findings) // [{ metric: 'page_media_view', startDay: '2026-03-14', reason: 'unit-scale ×1000' }]
 */
export function regimeChanges(findings: readonly (Finding | FindingDraft)[], minShare = 0.5): RegimeChange[] {
  const out: RegimeChange[] = [];
  for (const f of findings) {
    if (!f.metric || f.severity !== 'block' || f.class !== 'scale' || !REBASELINE_RULES.has(f.rule)) continue;
    if ((f.entityShare ?? 1) < minShare) continue;
    const factor = f.evidence['factor'];
    out.push({
      metric: f.metric,
      startDay: f.onset,
      reason: `${f.rule}${typeof factor === 'number' ? ` ×${factor}` : ''}`,
    });
  }
  return out;
}
