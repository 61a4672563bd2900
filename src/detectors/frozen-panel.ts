// F3: the whole panel repeats yesterday (share of entities with v_t = v_{t−1} far above normal), or the whole
// payload equals the previous poll's.
import type { Detector } from '../core/detector.js';
import { entityList, forMetric, round6 } from './common.js';
import { dayString } from './stats/days.js';
import { VALUE, type MetricFrame } from './stats/frame.js';
import { binomialUpperTail } from './stats/probability.js';
import { formatNumber, formatProbability } from './stats/units.js';

export interface FrozenPanelOptions {
  /** Share of entities repeating yesterday needed. */
  minShare: number;
  /** Binomial tail probability against the baseline repeat rate (+0.01). */
  alpha: number;
  baselineDays: number;
  /** Entities needed for a panel. */
  minEntities: number;
  /** Also fire when the whole payload hash equals the previous verified poll's. */
  payloadHash: boolean;
}

function repeats(frame: MetricFrame, i: number): { k: number; n: number; entities: string[] } {
  let k = 0;
  let n = 0;
  const entities: string[] = [];
  for (const s of frame.entities) {
    if (s.presence[i] !== VALUE || s.presence[i - 1] !== VALUE) continue;
    n++;
    if (s.values[i] === s.values[i - 1]) {
      k++;
      entities.push(s.entity);
    }
  }
  return { k, n, entities };
}

/**
 * repeats' k and n summed over grid days from..to, read entity by entity (each series' days in order). The result
 * is made before the loop and filled in it: code after a loop V8 compiles mid-call must not wait on type feedback.
 */
function repeatTotals(frame: MetricFrame, from: number, to: number): { k: number; n: number } {
  const { entities } = frame;
  const out = { k: 0, n: 0 };
  let k = 0;
  let n = 0;
  for (let e = 0; e < entities.length; e++) {
    const { presence, values } = entities[e]!;
    for (let i = from; i <= to; i++) {
      if (presence[i] !== VALUE || presence[i - 1] !== VALUE) continue;
      n++;
      if (values[i] === values[i - 1]) k++;
    }
    out.k = k;
    out.n = n;
  }
  return out;
}

export const frozenPanel: Detector<FrozenPanelOptions> = {
  id: 'frozen-panel',
  title: 'Whole panel repeats yesterday',
  description:
    'Counts the entities whose value equals yesterday’s. When at least half the panel repeats and the binomial ' +
    'tail against the 28-day repeat rate (+1 point) is below 1e-6, the upstream served a stale copy: it blocks. ' +
    'A poll whose whole payload hash equals the previous poll’s also blocks. It absorbs the per-entity frozen-run ' +
    'findings it explains.',
  class: 'frozen',
  stage: 'frozen',
  scope: 'metric',
  defaults: { minShare: 0.5, alpha: 1e-6, baselineDays: 28, minEntities: 5, payloadHash: true },
  optionsSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      minShare: { type: 'number', minimum: 0, maximum: 1 },
      alpha: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      baselineDays: { type: 'integer', minimum: 3 },
      minEntities: { type: 'integer', minimum: 2 },
      payloadHash: { type: 'boolean' },
    },
  },
  detect: forMetric(({ input, frame, metric, o, T }) => {
    const verified = input.polls.filter((p) => p.outcome !== 'failed');
    const [prev, cur] = verified.slice(-2);
    const sameHash =
      o.payloadHash &&
      prev?.payloadHash !== undefined &&
      cur?.payloadHash === prev.payloadHash &&
      cur.startedAt.slice(0, 10) !== prev.startedAt.slice(0, 10) &&
      cur === input.polls[input.polls.length - 1];
    if (T < 2) return [];
    const { k: kB, n: nB } = repeatTotals(frame, Math.max(1, T - o.baselineDays), T - 1);
    const q0 = nB > 0 ? kB / nB : 0;
    const judge = (i: number) => {
      const r = repeats(frame, i);
      const p = binomialUpperTail(r.n, r.k, Math.min(1, q0 + 0.01));
      return { ...r, p, fires: r.n >= o.minEntities && r.k / r.n >= o.minShare && p < o.alpha };
    };
    const today = judge(T);
    if (!today.fires && !sameHash) return [];
    let onset = T;
    for (let i = T - 1; i >= 1 && today.fires; i--) {
      if (!judge(i).fires) break;
      onset = i;
    }
    const share = today.n > 0 ? today.k / today.n : 0;
    const explanation =
      `${metric.name}: ${today.k}/${today.n} entities repeat yesterday's value on ${dayString(frame.endDay)} ` +
      `(normal ≈${formatNumber(q0)}; chance ≈${formatProbability(today.p)})` +
      (sameHash
        ? `; the whole payload is identical to the previous poll (${prev.startedAt.slice(0, 10)})`
        : '') +
      `. The upstream is serving a stale copy: ${entityList(today.entities)}.`;
    return [
      {
        rule: 'frozen-panel',
        class: 'frozen',
        severity: 'block',
        source: input.source.name,
        metric: metric.name,
        entities: today.entities.sort(),
        entityShare: round6(share),
        onset: dayString(frame.startDay + (sameHash && !today.fires ? T : onset)),
        evidence: {
          repeating: today.k,
          entitiesChecked: today.n,
          share: round6(share),
          baselineRepeatRate: round6(q0),
          pValue: today.p,
          payloadIdentical: Boolean(sameHash),
        },
        explanation,
      },
    ];
  }),
};
