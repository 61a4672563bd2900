// Rule: a declared metric that no feature, model or ratio uses is polled for nothing (warning).
import type { Diagnostic } from '../../core/diagnostic.js';
import { diagnosticAt, type ContractRule } from './rule.js';

/**
 * Metrics used by no feature, no model (as a KPI or trust signal) and no used ratio (as its numerator or
 * denominator) are warnings.
 */
export const unusedMetrics: ContractRule = {
  id: 'unused-metrics',
  check(set) {
    const used = new Set([
      ...set.features.flatMap((f) => f.uses.map((u) => `${u.source}/${u.metric}`)),
      ...(set.models ?? []).flatMap((m) =>
        [...m.kpis, ...m.trustSignals].map((r) => `${r.source}/${r.metric}`),
      ),
    ]);
    for (const s of set.sources)
      for (const m of s.metrics)
        if (used.has(`${s.name}/${m.name}`) && m.numerator !== undefined && m.denominator !== undefined) {
          used.add(`${s.name}/${m.numerator}`);
          used.add(`${s.name}/${m.denominator}`);
        }
    const out: Diagnostic[] = [];
    for (const s of set.sources) {
      for (const m of s.metrics) {
        if (used.has(`${s.name}/${m.name}`)) continue;
        out.push(
          diagnosticAt(m.location, {
            severity: 'warning',
            code: 'unused-metric',
            message: `metric "${s.name}/${m.name}" is used by no feature`,
            hint: `add "${s.name}/${m.name}" to a feature's uses, or remove the metric to stop polling it`,
          }),
        );
      }
    }
    return out;
  },
};
