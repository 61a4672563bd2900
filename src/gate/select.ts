// Which features a gate question is about: named features, a model's features, or all of them.
import { findModel, type ContractSet, type FeatureContract } from '../core/contract.js';
import { UpwatchError } from '../core/errors.js';

/**
 * Resolve feature names and/or a model to feature contracts, in the order asked. Unknown names are an
 * UpwatchError `NOT_FOUND` (the gate must never answer "allowed" about a feature it does not know).
 *
 * @example
 * selectFeatures(contracts, { model: 'engagement-ranker' }) // the Model's features, else every feature tagged with it
 */
export function selectFeatures(
  contracts: ContractSet,
  selection: { features?: readonly string[]; model?: string } = {},
): FeatureContract[] {
  const names = selection.features ?? [];
  if (names.length === 0 && selection.model === undefined) return [...contracts.features];
  const out: FeatureContract[] = [];
  const unknown: string[] = [];
  for (const name of names) {
    const f = contracts.features.find((x) => x.name === name);
    if (f) {
      if (!out.includes(f)) out.push(f);
    } else unknown.push(name);
  }
  if (unknown.length > 0) {
    const known = contracts.features.map((f) => f.name).sort();
    throw new UpwatchError(
      'NOT_FOUND',
      `unknown feature${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
      {
        hint: known.length
          ? `known features: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''}`
          : 'no features are declared in the contracts',
        details: { unknown },
      },
    );
  }
  if (selection.model !== undefined) {
    const inModel = modelFeatures(contracts, selection.model);
    if (inModel.length === 0) {
      const models = [
        ...new Set([
          ...(contracts.models ?? []).map((m) => m.name),
          ...contracts.features.flatMap((f) => (f.model ? [f.model] : [])),
        ]),
      ].sort();
      throw new UpwatchError('NOT_FOUND', `unknown model: ${selection.model}`, {
        hint: models.length ? `known models: ${models.join(', ')}` : 'no feature declares a model',
        details: { model: selection.model },
      });
    }
    for (const f of inModel) if (!out.includes(f)) out.push(f);
  }
  return out;
}

/**
 * The features of a model: the feature list of its `Model` document when one is declared (in that order), else
 * every feature whose `model:` tag names it. Names a Model lists but no Feature declares are skipped (the contract
 * rules report them).
 *
 * @example
 * modelFeatures(contracts, 'underwriting').map((f) => f.name) // ['risk_inputs', 'band_mix']
 */
export function modelFeatures(contracts: ContractSet, model: string): FeatureContract[] {
  const declared = findModel(contracts, model);
  if (!declared) return contracts.features.filter((f) => f.model === model);
  return declared.features.flatMap((name) => contracts.features.filter((f) => f.name === name).slice(0, 1));
}
