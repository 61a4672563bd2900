// Rule: every `uses` entry of a feature names a declared source and one of its declared metrics.
import type { Diagnostic } from '../../core/diagnostic.js';
import { didYouMean } from '../did-you-mean.js';
import { diagnosticAt, type ContractRule } from './rule.js';

function listed(names: readonly string[], max = 6): string {
  return names.length <= max
    ? names.join(', ')
    : `${names.slice(0, max).join(', ')}, … (${names.length} in all)`;
}

/** A feature using an undeclared source or metric is an error, with a did-you-mean over what is declared. */
export const knownReferences: ContractRule = {
  id: 'known-references',
  check(set, ctx) {
    const out: Diagnostic[] = [];
    const sources = new Map(set.sources.map((s) => [s.name, s]));
    for (const f of set.features) {
      for (const use of f.uses) {
        const source = sources.get(use.source);
        if (!source) {
          // A source whose document failed validation is reported there; do not cascade.
          if (ctx.invalidSources?.has(use.source)) continue;
          out.push(
            diagnosticAt(use.location, {
              severity: 'error',
              code: 'unknown-source',
              message: `feature "${f.name}" uses "${use.source}/${use.metric}" but no source is named "${use.source}"`,
              hint:
                didYouMean(use.source, sources.keys()) ??
                (sources.size > 0
                  ? `declared sources: ${listed([...sources.keys()])}`
                  : `declare a Source named "${use.source}" in the contracts directory`),
            }),
          );
          continue;
        }
        if (source.metrics.some((m) => m.name === use.metric)) continue;
        const names = source.metrics.map((m) => m.name);
        out.push(
          diagnosticAt(use.location, {
            severity: 'error',
            code: 'unknown-metric',
            message: `feature "${f.name}" uses "${use.source}/${use.metric}" but source "${use.source}" declares no metric "${use.metric}"`,
            hint:
              didYouMean(use.metric, names) ??
              `declared metrics: ${listed(names)}; declare "${use.metric}" under the source's metrics if it exists upstream`,
          }),
        );
      }
    }
    return out;
  },
};
