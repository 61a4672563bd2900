// The advisor over a store: reads the findings, decisions and histories it needs, then advises (CLI and library).
import { addDays } from '../core/clock.js';
import { findMetric, findModel, findSource, type ContractSet } from '../core/contract.js';
import { ratioHistory } from '../core/ratio-history.js';
import type { MetricHistory } from '../core/detector.js';
import { selectFeatures } from '../gate/select.js';
import type { Store } from '../store/ports.js';
import { adviseWindow, historyKey } from './advise.js';
import type { Advice } from './advice.js';
import type { ModelSignal } from './signal-spans.js';
import type { TrainingWindow } from './window.js';

/** What the advisor reads from: a store through its ports. */
export type AdvisorStore = Store;

export interface AdviseStoreInput {
  store: AdvisorStore;
  contracts: ContractSet;
  /** Features to advise on (with `model`, or alone). */
  features?: readonly string[];
  /** Every feature of this model. */
  model?: string;
  window: TrainingWindow;
  now: Date;
  servingDays?: number;
  newRegimeDays?: number;
  dropUnstable?: boolean;
}

/** How far before the window a frozen run may have begun and still be read from the history. */
const LOOKBEHIND_DAYS = 366;

/**
 * One input's stored history over `[sinceDay, untilDay]`; a ratio of two counts is never stored, so it is derived from
 * its parts, as the detectors see it.
 */
async function inputHistory(
  input: AdviseStoreInput,
  source: string,
  metric: string,
  days: { sinceDay: string; untilDay: string },
): Promise<MetricHistory> {
  // The advisor reads every point of the span it explains.
  const range = { ...days, withPoints: true };
  const src = findSource(input.contracts, source);
  const m = src ? findMetric(src, metric) : undefined;
  if (m?.numerator === undefined || m.denominator === undefined)
    return input.store.metricHistory(source, metric, range);
  const [num, den] = [
    await input.store.metricHistory(source, m.numerator, range),
    await input.store.metricHistory(source, m.denominator, range),
  ];
  return ratioHistory(source, metric, num, den);
}

/** The KPIs and trust signals of a declared model (none for a model that is only a tag on features). */
function modelSignals(contracts: ContractSet, model: string | undefined): ModelSignal[] {
  const m = model === undefined ? undefined : findModel(contracts, model);
  if (!m) return [];
  return [
    ...m.kpis.map((r) => ({ role: 'KPI' as const, source: r.source, metric: r.metric })),
    ...m.trustSignals.map((r) => ({ role: 'trust signal' as const, source: r.source, metric: r.metric })),
  ];
}

/**
 * Advise whether the selected features may be retrained on the window, from the store's findings, decisions and
 * histories. Throws UpwatchError `NOT_FOUND` for an unknown feature or model, `USAGE` when nothing is selected.
 *
 * @example
 * const advice = adviseStore({ store, contracts, model: 'ranker', window: { from: '2026-03-01', to: '2026-03-28' },
 *   now: new Date() });
 * if (advice.verdict !== 'retrain') console.log(advice.spans);
 */
export async function adviseStore(input: AdviseStoreInput): Promise<Advice> {
  const selection: { features?: readonly string[]; model?: string } = {};
  if (input.features) selection.features = input.features;
  if (input.model !== undefined) selection.model = input.model;
  const features = selectFeatures(input.contracts, selection);
  const findings = await input.store.findings.list();
  const wanted = new Set(features.flatMap((f) => f.uses.map((u) => historyKey(u.source, u.metric))));
  // Frozen runs may have begun before the window: read from the earliest onset that concerns an input.
  let since = input.window.from;
  for (const f of findings) {
    const onset = f.onset.slice(0, 10);
    if (f.metric !== undefined && wanted.has(historyKey(f.source, f.metric)) && onset < since) since = onset;
  }
  const floor = addDays(input.window.from, -LOOKBEHIND_DAYS);
  if (since < floor) since = floor;
  const signals = modelSignals(input.contracts, input.model);
  const histories = new Map<string, MetricHistory>();
  for (const u of [...features.flatMap((f) => f.uses), ...signals]) {
    const key = historyKey(u.source, u.metric);
    if (!histories.has(key))
      histories.set(
        key,
        await inputHistory(input, u.source, u.metric, { sinceDay: since, untilDay: input.window.to }),
      );
  }
  return adviseWindow({
    window: input.window,
    features,
    sources: input.contracts.sources,
    events: input.contracts.events ?? [],
    findings,
    decisions: await input.store.decisions.recent(''),
    histories,
    now: input.now,
    ...(input.model !== undefined ? { model: input.model, signals } : {}),
    ...(input.servingDays !== undefined ? { servingDays: input.servingDays } : {}),
    ...(input.newRegimeDays !== undefined ? { newRegimeDays: input.newRegimeDays } : {}),
    ...(input.dropUnstable !== undefined ? { dropUnstable: input.dropUnstable } : {}),
  });
}
