// The training mask: the advice as rows a training job joins against to drop or rescale its own rows.
import type { Advice, MaskAction } from './advice.js';

/** One row of the mask: these rows of this input, from..to (ISO days, both included), get this action. */
export interface MaskRow {
  feature: string;
  source: string;
  metric: string;
  /** One entity, or `*` for every entity. */
  entity: string;
  from: string;
  to: string;
  action: MaskAction;
  /** Multiply by this (action `rescale`); null otherwise. */
  factor: number | null;
  reason: string;
}

/** Column order of the CSV form. */
export const MASK_COLUMNS = [
  'feature',
  'source',
  'metric',
  'entity',
  'from',
  'to',
  'action',
  'factor',
  'reason',
] as const;

/**
 * The mask of an advice: one row per span inside the window (a removal announced for later is not a row), and one
 * `ok` row for every input with no span. Where rows overlap, `drop` wins over `rescale`, which wins over `ok`.
 *
 * @example
 * trainingMask(advice)
 * // [{ feature: 'views_7d', source: 'meta', metric: 'page_media_view', entity: '*', from: '2026-03-01',
 * //    to: '2026-03-13', action: 'rescale', factor: 0.001, reason: 'the values moved ÷1000 on 2026-03-14 …' }]
 */
export function trainingMask(advice: Pick<Advice, 'window' | 'spans' | 'inputs'>): MaskRow[] {
  const rows: MaskRow[] = [];
  const covered = new Set<string>();
  for (const s of advice.spans) {
    if (s.kind === 'sunset') continue;
    covered.add(`${s.feature}\u0000${s.source}\u0000${s.metric}`);
    rows.push({
      feature: s.feature,
      source: s.source,
      metric: s.metric,
      entity: s.entity,
      from: s.from,
      to: s.to,
      action: s.action,
      factor: s.action === 'rescale' ? (s.factor ?? null) : null,
      reason: s.reason,
    });
  }
  for (const i of advice.inputs) {
    if (covered.has(`${i.feature}\u0000${i.source}\u0000${i.metric}`)) continue;
    rows.push({
      feature: i.feature,
      source: i.source,
      metric: i.metric,
      entity: '*',
      from: advice.window.from,
      to: advice.window.to,
      action: 'ok',
      factor: null,
      reason: i.daysWithData === 0 ? 'no values in the window' : 'no unfit span found',
    });
  }
  return rows;
}

function csvField(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The mask as CSV (RFC 4180, header row first, CRLF-free).
 *
 * @example
 * maskCsv(rows).split('\n')[0] // 'feature,source,metric,entity,from,to,action,factor,reason'
 */
export function maskCsv(rows: readonly MaskRow[]): string {
  const lines = [MASK_COLUMNS.join(',')];
  for (const r of rows) lines.push(MASK_COLUMNS.map((c) => csvField(r[c])).join(','));
  return lines.join('\n') + '\n';
}

/**
 * The mask as JSON Lines, one object per row.
 *
 * @example
 * maskJsonl(rows) // '{"feature":"views_7d",…,"action":"rescale","factor":0.001,…}\n'
 */
export function maskJsonl(rows: readonly MaskRow[]): string {
  return rows.map((r) => JSON.stringify(r) + '\n').join('');
}
