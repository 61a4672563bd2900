// Rule: a ratio computed from two counts is a `ratio`, and its numerator and denominator are counts of its source.
import type { Diagnostic } from '../../core/diagnostic.js';
import { didYouMean } from '../did-you-mean.js';
import { diagnosticAt, fieldLocation, type ContractRule } from './rule.js';

/**
 * A metric with `numerator` / `denominator` must be of kind `ratio`, and each part must be another declared `count`
 * metric of the same source with the same period (a rate of a rate, or of an amount, has no binomial reading).
 */
export const ratioParts: ContractRule = {
  id: 'ratio-parts',
  check(set, ctx) {
    const out: Diagnostic[] = [];
    for (const s of set.sources)
      for (const m of s.metrics) {
        if (m.numerator === undefined || m.denominator === undefined) continue;
        if (m.kind !== 'ratio')
          out.push(
            diagnosticAt(fieldLocation(ctx, m, ['kind']), {
              severity: 'error',
              code: 'ratio-kind',
              message: `metric "${s.name}/${m.name}" has a numerator and a denominator, so it is a ratio (got kind ${m.kind})`,
              hint: 'write kind: ratio (upwatch computes numerator / denominator, a 0..1 share)',
            }),
          );
        for (const key of ['numerator', 'denominator'] as const) {
          const name = m[key]!;
          const part = s.metrics.find((x) => x.name === name);
          const others = s.metrics.filter((x) => x.name !== m.name && x.kind === 'count').map((x) => x.name);
          let message: string | undefined;
          let hint: string | undefined;
          if (name === m.name) message = `metric "${s.name}/${m.name}" cannot be its own ${key}`;
          else if (!part) {
            message = `metric "${s.name}/${m.name}" has ${key} "${name}", which source "${s.name}" does not declare`;
            hint = didYouMean(name, others) ?? `declare "${name}" as a count metric of ${s.name}`;
          } else if (part.kind !== 'count')
            message = `metric "${s.name}/${m.name}" has ${key} "${name}", of kind ${part.kind}: both parts must be counts`;
          else if (part.period !== m.period)
            message = `metric "${s.name}/${m.name}" (period ${m.period}) has ${key} "${name}" of period ${part.period}`;
          if (message)
            out.push(
              diagnosticAt(fieldLocation(ctx, m, [key]), {
                severity: 'error',
                code: 'ratio-parts',
                message,
                hint:
                  hint ??
                  `use a count of ${s.name} with period ${m.period}${others.length ? `: ${others.join(', ')}` : ''}`,
              }),
            );
        }
      }
    return out;
  },
};
