// Rule: every `uses` entry of a feature names a declared source and one of its declared metrics.
import type { MetricRef } from '../../core/contract.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import { didYouMean } from '../did-you-mean.js';
import { diagnosticAt, type ContractRule, type RuleContext } from './rule.js';

function listed(names: readonly string[], max = 6): string {
  return names.length <= max
    ? names.join(', ')
    : `${names.slice(0, max).join(', ')}, … (${names.length} in all)`;
}

function unknownSource(feature: string, use: MetricRef, declared: readonly string[]): Diagnostic {
  return diagnosticAt(use.location, {
    severity: 'error',
    code: 'unknown-source',
    message: `feature "${feature}" uses "${use.source}/${use.metric}" but no source is named "${use.source}"`,
    hint:
      didYouMean(use.source, declared) ??
      (declared.length > 0
        ? `declared sources: ${listed(declared)}`
        : `declare a Source named "${use.source}" in the contracts directory`),
  });
}

function unknownMetric(feature: string, use: MetricRef, names: readonly string[]): Diagnostic {
  return diagnosticAt(use.location, {
    severity: 'error',
    code: 'unknown-metric',
    message: `feature "${feature}" uses "${use.source}/${use.metric}" but source "${use.source}" declares no metric "${use.metric}"`,
    hint:
      didYouMean(use.metric, names) ??
      `declared metrics: ${listed(names)}; declare "${use.metric}" under the source's metrics if it exists upstream`,
  });
}

/**
 * The metric names a reference can be checked against: the loaded source's, or those of a source whose document
 * failed validation but whose metric list is readable. Undefined = the source exists but cannot be checked (its
 * errors are reported where it is declared; do not cascade); null = no such source.
 */
function metricNamesOf(
  sourceName: string,
  loaded: ReadonlyMap<string, readonly string[]>,
  ctx: RuleContext,
): readonly string[] | undefined | null {
  const names = loaded.get(sourceName) ?? ctx.salvaged?.sources.get(sourceName)?.metricNames;
  if (names) return names;
  return ctx.invalidSources?.has(sourceName) || ctx.salvaged?.sources.has(sourceName) ? undefined : null;
}

/**
 * A feature using an undeclared source or metric is an error, with a did-you-mean over what is declared. Features
 * and sources whose documents failed schema validation are checked as far as they can be read.
 */
export const knownReferences: ContractRule = {
  id: 'known-references',
  check(set, ctx) {
    const out: Diagnostic[] = [];
    const loaded = new Map(set.sources.map((s) => [s.name, s.metrics.map((m) => m.name)]));
    const declared = [...loaded.keys()];
    const features = [...set.features, ...(ctx.salvaged?.features ?? [])];
    for (const f of features) {
      for (const use of f.uses) {
        const names = metricNamesOf(use.source, loaded, ctx);
        if (names === null) out.push(unknownSource(f.name, use, declared));
        else if (names !== undefined && !names.includes(use.metric))
          out.push(unknownMetric(f.name, use, names));
      }
    }
    return out;
  },
};
