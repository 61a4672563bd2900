// Rule: an `invariant-broken` check's `atMost` names another metric of the same source, with the same period.
import type { CheckOverride, MetricContract, SourceContract } from '../../core/contract.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import { invariantBroken } from '../../detectors/invariant-broken.js';
import { didYouMean } from '../did-you-mean.js';
import { diagnosticAt, fieldLocation, type ContractRule, type RuleContext } from './rule.js';

const ID = invariantBroken.id;
const OPTIONS_PATH = ['checks', ID, 'options', 'atMost'] as const;

function atMostOf(check: CheckOverride | undefined): string | undefined {
  const v = check?.options?.['atMost'];
  return typeof v === 'string' ? v : undefined;
}

function checkMetric(s: SourceContract, m: MetricContract, ctx: RuleContext): Diagnostic[] {
  const atMost = atMostOf(m.checks[ID]);
  if (atMost === undefined) return [];
  const at = fieldLocation(ctx, m, OPTIONS_PATH);
  if (atMost === m.name) {
    return [
      diagnosticAt(at, {
        severity: 'error',
        code: 'invariant-self',
        message: `metric "${s.name}/${m.name}" is declared at most itself (${ID}.options.atMost)`,
        hint: `name the larger metric of the pair, e.g. atMost: page_impressions on page_impressions_unique`,
      }),
    ];
  }
  const bound = s.metrics.find((x) => x.name === atMost);
  if (!bound) {
    const names = s.metrics.filter((x) => x !== m).map((x) => x.name);
    return [
      diagnosticAt(at, {
        severity: 'error',
        code: 'invariant-unknown-metric',
        message: `metric "${s.name}/${m.name}" must stay at most "${atMost}", but source "${s.name}" declares no metric "${atMost}"`,
        hint:
          didYouMean(atMost, names) ??
          `the bound must be a metric of the same source (declared: ${names.join(', ') || 'none other'}); declare "${atMost}" under its metrics`,
      }),
    ];
  }
  if (bound.period !== m.period) {
    return [
      diagnosticAt(at, {
        severity: 'warning',
        code: 'invariant-period',
        message: `metric "${s.name}/${m.name}" (period ${m.period}) is compared with "${atMost}" (period ${bound.period}) day by day`,
        hint: 'an invariant holds between values of one period; compare metrics with the same period',
      }),
    ];
  }
  return [];
}

/**
 * `atMost` naming an undeclared metric or the metric itself is an error, a bound with another period a warning, and
 * `atMost` on a whole source an error (it would bound every metric, the bound itself included).
 */
export const invariantReferences: ContractRule = {
  id: 'invariant-references',
  check(set, ctx) {
    const out: Diagnostic[] = [];
    for (const s of set.sources) {
      const onSource = atMostOf(s.checks[ID]);
      if (onSource !== undefined) {
        out.push(
          diagnosticAt(fieldLocation(ctx, s, OPTIONS_PATH), {
            severity: 'error',
            code: 'invariant-on-source',
            message: `source "${s.name}" sets ${ID}.options.atMost for every metric, "${onSource}" included`,
            hint: `move atMost: ${onSource} to the checks of the metric that must stay below it`,
          }),
        );
      }
      for (const m of s.metrics) out.push(...checkMetric(s, m, ctx));
    }
    return out;
  },
};
