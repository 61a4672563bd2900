// Rule: a metric's expected range is consistent (min ≤ max) and fits its kind (ratio 0..1, percent 0..100, count ≥ 0).
import type { MetricKind } from '../../core/contract.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import { diagnosticAt, fieldLocation, type ContractRule } from './rule.js';

const BOUNDS: Partial<Record<MetricKind, { min: number; max: number; hint: string }>> = {
  ratio: { min: 0, max: 1, hint: 'a ratio is a 0..1 share; for a 0..100 share use kind: percent' },
  percent: { min: 0, max: 100, hint: 'a percent is a 0..100 share; for values above 100 use kind: gauge' },
};

/** Reversed ranges and ranges outside the kind's bounds are errors; a negative minimum on a count is a warning. */
export const validRanges: ContractRule = {
  id: 'valid-ranges',
  check(set, ctx) {
    const out: Diagnostic[] = [];
    for (const s of set.sources) {
      for (const m of s.metrics) {
        const range = m.range;
        if (!range) continue;
        const { min, max } = range;
        if (min !== undefined && max !== undefined && min > max) {
          out.push(
            diagnosticAt(fieldLocation(ctx, m, ['range']), {
              severity: 'error',
              code: 'invalid-range',
              message: `metric "${m.name}" has range.min ${min} greater than range.max ${max}`,
              hint: 'swap min and max',
            }),
          );
        }
        const bounds = BOUNDS[m.kind];
        if (bounds) {
          for (const [key, v] of [
            ['min', min],
            ['max', max],
          ] as const) {
            if (v === undefined || (v >= bounds.min && v <= bounds.max)) continue;
            out.push(
              diagnosticAt(fieldLocation(ctx, m, ['range', key]), {
                severity: 'error',
                code: 'invalid-range',
                message: `metric "${m.name}" is a ${m.kind} but range.${key} ${v} is outside ${bounds.min}..${bounds.max}`,
                hint: bounds.hint,
              }),
            );
          }
        }
        if (m.kind === 'count' && min !== undefined && min < 0) {
          out.push(
            diagnosticAt(fieldLocation(ctx, m, ['range', 'min']), {
              severity: 'warning',
              code: 'invalid-range',
              message: `metric "${m.name}" is a count but range.min is negative (${min})`,
              hint: 'a count is never negative; use kind: gauge for values that can be',
            }),
          );
        }
      }
    }
    return out;
  },
};
