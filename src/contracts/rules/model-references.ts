// Rule: a model names declared features and declared metrics, and agrees with the `model:` tags of its features.
import type { MetricRef, ModelContract } from '../../core/contract.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import { didYouMean } from '../did-you-mean.js';
import { diagnosticAt, fieldLocation, type ContractRule, type RuleContext } from './rule.js';

const ROLE = { kpis: 'KPI', trustSignals: 'trust signal' } as const;

function listed(names: readonly string[], max = 8): string {
  return names.length <= max
    ? names.join(', ')
    : `${names.slice(0, max).join(', ')}, … (${names.length} in all)`;
}

function metricIssue(
  model: ModelContract,
  key: keyof typeof ROLE,
  ref: MetricRef,
  sources: ReadonlyMap<string, readonly string[]>,
  ctx: RuleContext,
): Diagnostic | undefined {
  if (ctx.invalidSources?.has(ref.source)) return undefined;
  const names = sources.get(ref.source) ?? ctx.salvaged?.sources.get(ref.source)?.metricNames;
  if (names?.includes(ref.metric)) return undefined;
  const text = `${ref.source}/${ref.metric}`;
  if (names)
    return diagnosticAt(ref.location, {
      severity: 'error',
      code: 'unknown-metric',
      message: `model "${model.name}" has ${ROLE[key]} "${text}" but source "${ref.source}" declares no metric "${ref.metric}"`,
      hint: didYouMean(ref.metric, names) ?? `declared metrics: ${listed(names)}`,
    });
  const declared = [...sources.keys()];
  return diagnosticAt(ref.location, {
    severity: 'error',
    code: 'unknown-source',
    message: `model "${model.name}" has ${ROLE[key]} "${text}" but no source is named "${ref.source}"`,
    hint:
      didYouMean(ref.source, declared) ??
      (declared.length ? `declared sources: ${listed(declared)}` : `declare a Source named "${ref.source}"`),
  });
}

/**
 * A model naming an undeclared feature, source or metric is an error with a did-you-mean; so is a feature whose
 * `model:` tag names a declared model that does not list it (the two would give `gate --model` two answers).
 */
export const modelReferences: ContractRule = {
  id: 'model-references',
  check(set, ctx) {
    const out: Diagnostic[] = [];
    const models = set.models ?? [];
    if (models.length === 0) return out;
    const sources = new Map(set.sources.map((s) => [s.name, s.metrics.map((m) => m.name)]));
    const features = set.features.map((f) => f.name);
    const salvagedFeatures = new Set((ctx.salvaged?.features ?? []).map((f) => f.name));
    for (const model of models) {
      model.features.forEach((name, i) => {
        if (features.includes(name) || salvagedFeatures.has(name)) return;
        out.push(
          diagnosticAt(fieldLocation(ctx, model, ['features', i]), {
            severity: 'error',
            code: 'unknown-feature',
            message: `model "${model.name}" uses feature "${name}", which is not declared`,
            hint: didYouMean(name, features) ?? `declared features: ${listed(features)}`,
          }),
        );
      });
      for (const key of ['kpis', 'trustSignals'] as const)
        for (const ref of model[key]) {
          const issue = metricIssue(model, key, ref, sources, ctx);
          if (issue) out.push(issue);
        }
    }
    const byName = new Map(models.map((m) => [m.name, m]));
    for (const f of set.features) {
      const model = f.model === undefined ? undefined : byName.get(f.model);
      if (!model || model.features.includes(f.name)) continue;
      out.push(
        diagnosticAt(fieldLocation(ctx, f, ['model']), {
          severity: 'error',
          code: 'model-disagrees',
          message: `feature "${f.name}" says model: ${model.name}, but model "${model.name}" does not list it in its features`,
          hint: `add ${f.name} to the features of model "${model.name}" (${model.location.file}:${model.location.line}), or remove the model: tag`,
        }),
      );
    }
    return out;
  },
};
