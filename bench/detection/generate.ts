// Seeded generator of labelled synthetic panels: clean negatives plus injected upstream breaks.
import { addDays } from '../../src/core/clock.js';
import type { HistoryRow } from '../../src/backtest/history-file.js';
import { negBinomial, normal, seeded, type Rand } from '../../src/core/random.js';

/** One injected break, as the scorer matches it. */
export interface Label {
  id: string;
  /** Typing class: freeze, unit, level, null, volume. */
  class: 'freeze' | 'unit' | 'level' | 'null' | 'volume';
  subtype: string;
  metric: string;
  entities: string[];
  /** Index of the first bad day. */
  onset: number;
  params: Record<string, number | string>;
}

export interface PanelSpec {
  metrics: number;
  entities: number;
  days: number;
  /** First day an injection may start. */
  injectFrom: number;
  /** Share of metrics that get an injection. */
  injectShare: number;
}

export const DEFAULT_PANEL: PanelSpec = {
  metrics: 10,
  entities: 200,
  days: 180,
  injectFrom: 100,
  injectShare: 0.8,
};
export const START = '2025-06-02';

/** A generated panel: rows per day (null = upstream null, absent = not delivered), levels and labels. */
export interface Panel {
  seed: number;
  source: string;
  metrics: string[];
  entities: string[];
  /** metric → entity → values (undefined = missing day). */
  values: Map<string, Map<string, (number | null | undefined)[]>>;
  /** metric → entity → mean level per day (λ₀). */
  levels: Map<string, Map<string, number>>;
  labels: Label[];
  spec: PanelSpec;
}

function pick<T>(r: Rand, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

function cleanSeries(r: Rand, days: number, level: number): number[] {
  const amp = 0.05 + 0.35 * r();
  const phase = r() * 7;
  const trendKind = r();
  const slope = trendKind < 0.5 ? 0 : trendKind < 0.8 ? (r() - 0.5) * 0.01 : 0;
  const saturating = trendKind >= 0.8;
  const shape = 2 + 48 * r();
  const zeroInflation = r() < 0.1 ? 0.05 * r() : 0;
  let ar = 0;
  const out: number[] = [];
  // Negatives: a viral burst in 15 % of series; a real +40 % step in 5 %.
  const burstAt = r() < 0.15 ? Math.floor(r() * days) : -1;
  const burstLen = 1 + Math.floor(r() * 3);
  const burstF = 2 + 8 * r();
  const stepAt = r() < 0.05 ? Math.floor(days / 3 + (r() * (days * 2)) / 3) : -1;
  for (let t = 0; t < days; t++) {
    ar = 0.5 * ar + 0.15 * normal(r);
    const trend = saturating ? 0.4 * (1 - Math.exp(-t / 60)) : slope * t;
    let mu = level * Math.exp(trend + amp * Math.sin((2 * Math.PI * (t + phase)) / 7) + ar);
    if (burstAt >= 0 && t >= burstAt && t < burstAt + burstLen) mu *= burstF;
    if (stepAt >= 0 && t >= stepAt) mu *= 1.4;
    out.push(zeroInflation > 0 && r() < zeroInflation ? 0 : negBinomial(r, mu, shape));
  }
  return out;
}

type Injector = (r: Rand, p: Panel, metric: string) => Label | undefined;

function chooseEntities(r: Rand, entities: string[]): { scope: string; chosen: string[] } {
  const u = r();
  if (u < 0.4) return { scope: 'one', chosen: [pick(r, entities)] };
  if (u < 0.7) return { scope: 'subset', chosen: entities.filter(() => r() < 0.2) };
  return { scope: 'panel', chosen: [...entities] };
}

const freeze: Injector = (r, p, metric) => {
  const onset = p.spec.injectFrom + Math.floor(r() * (p.spec.days - p.spec.injectFrom - 10));
  const mode = pick(r, ['last', 'last', 'zero', 'constant'] as const);
  const { scope, chosen } = chooseEntities(r, p.entities);
  const vals = p.values.get(metric)!;
  for (const e of chosen) {
    const v = vals.get(e)!;
    const held =
      mode === 'last'
        ? (v[onset - 1] ?? 0)
        : mode === 'zero'
          ? 0
          : Math.round(p.levels.get(metric)!.get(e)! * 1.1) + 1;
    for (let t = onset; t < v.length; t++) v[t] = held;
  }
  return {
    id: '',
    class: 'freeze',
    subtype: `${mode}/${scope}`,
    metric,
    entities: chosen,
    onset,
    params: { mode, scope },
  };
};

const unit: Injector = (r, p, metric) => {
  const onset = p.spec.injectFrom + Math.floor(r() * (p.spec.days - p.spec.injectFrom - 10));
  let { scope, chosen } = chooseEntities(r, p.entities);
  let factor = pick(r, [60, 100, 1000, 1 / 60, 1 / 100, 1 / 1000, 10]);
  if (factor === 10 && scope !== 'panel') factor = 100;
  if (scope === 'subset' && chosen.length === 0)
    ({ scope, chosen } = { scope: 'panel', chosen: [...p.entities] });
  const vals = p.values.get(metric)!;
  for (const e of chosen) {
    const v = vals.get(e)!;
    for (let t = onset; t < v.length; t++) {
      const x = v[t];
      if (typeof x === 'number') v[t] = factor > 1 ? x * factor : Math.round(x * factor * 100) / 100;
    }
  }
  return {
    id: '',
    class: 'unit',
    subtype: `x${factor >= 1 ? factor : `1/${Math.round(1 / factor)}`}/${scope}`,
    metric,
    entities: chosen,
    onset,
    params: { factor, scope },
  };
};

const level: Injector = (r, p, metric) => {
  const onset = p.spec.injectFrom + Math.floor(r() * (p.spec.days - p.spec.injectFrom - 10));
  const factor = pick(r, [0.5, 0.7, 1.3, 2, 5]);
  const chosen = [...p.entities];
  const vals = p.values.get(metric)!;
  for (const e of chosen) {
    const v = vals.get(e)!;
    for (let t = onset; t < v.length; t++) {
      const x = v[t];
      if (typeof x === 'number') v[t] = Math.round(x * factor);
    }
  }
  return {
    id: '',
    class: 'level',
    subtype: `x${factor}/panel`,
    metric,
    entities: chosen,
    onset,
    params: { factor },
  };
};

const nulls: Injector = (r, p, metric) => {
  const onset = p.spec.injectFrom + Math.floor(r() * (p.spec.days - p.spec.injectFrom - 10));
  const share = pick(r, [0.1, 0.3, 1]);
  const chosen = p.entities.filter(() => r() < share);
  if (chosen.length === 0) chosen.push(p.entities[0]!);
  const vals = p.values.get(metric)!;
  for (const e of chosen) {
    const v = vals.get(e)!;
    for (let t = onset; t < v.length; t++) v[t] = null;
  }
  return {
    id: '',
    class: 'null',
    subtype: `nulls ${share}`,
    metric,
    entities: chosen,
    onset,
    params: { share },
  };
};

const stop: Injector = (r, p, metric) => {
  const onset = p.spec.injectFrom + Math.floor(r() * (p.spec.days - p.spec.injectFrom - 10));
  const whole = r() < 0.5;
  const chosen = whole ? [...p.entities] : p.entities.filter(() => r() < 0.3);
  const vals = p.values.get(metric)!;
  for (const e of chosen) {
    const v = vals.get(e)!;
    for (let t = onset; t < v.length; t++) v[t] = undefined;
  }
  return {
    id: '',
    class: 'volume',
    subtype: whole ? 'metric stops' : 'entities drop',
    metric,
    entities: chosen,
    onset,
    params: { whole: String(whole) },
  };
};

const INJECTORS: [Injector, number][] = [
  [freeze, 0.35],
  [unit, 0.35],
  [level, 0.1],
  [nulls, 0.1],
  [stop, 0.1],
];

/**
 * Generate one labelled panel. Seeds 1–50 are for calibration, 51–100 held out for testing.
 *
 * @example
 * const panel = generatePanel(51);
 */
export function generatePanel(seed: number, spec: PanelSpec = DEFAULT_PANEL): Panel {
  const r = seeded(seed * 7919 + 17);
  const metrics = Array.from({ length: spec.metrics }, (_, i) => `metric_${i}`);
  const entities = Array.from({ length: spec.entities }, (_, i) => `page_${String(i).padStart(4, '0')}`);
  const values = new Map<string, Map<string, (number | null | undefined)[]>>();
  const levels = new Map<string, Map<string, number>>();
  const size = new Map(entities.map((e) => [e, Math.exp(4 + 2 * normal(r))]));
  for (const m of metrics) {
    const mv = new Map<string, (number | null | undefined)[]>();
    const ml = new Map<string, number>();
    const ratio = 0.05 + r() * 2;
    for (const e of entities) {
      const lvl = size.get(e)! * ratio;
      ml.set(e, lvl);
      mv.set(e, cleanSeries(r, spec.days, lvl));
    }
    values.set(m, mv);
    levels.set(m, ml);
  }
  const panel: Panel = { seed, source: `panel-${seed}`, metrics, entities, values, levels, labels: [], spec };
  for (const m of metrics) {
    if (r() >= spec.injectShare) continue;
    let u = r();
    let inj = INJECTORS[0]![0];
    for (const [f, w] of INJECTORS) {
      if (u < w) {
        inj = f;
        break;
      }
      u -= w;
    }
    const label = inj(r, panel, m);
    if (label) panel.labels.push({ ...label, id: `${seed}-${m}` });
  }
  return panel;
}

/** The panel as history rows (day-major order, as an export would list them). */
export function* panelRows(p: Panel): Generator<HistoryRow> {
  for (let t = 0; t < p.spec.days; t++) {
    const date = addDays(START, t);
    for (const m of p.metrics) {
      const mv = p.values.get(m)!;
      for (const e of p.entities) {
        const v = mv.get(e)![t];
        if (v === undefined) continue;
        yield { date, source: p.source, metric: m, entity: e, value: v };
      }
    }
  }
}
