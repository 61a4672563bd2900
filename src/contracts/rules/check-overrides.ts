// Rule: `checks` keys name registered detectors and their options match each detector's own options schema.
import type { CheckOverride, MetricContract, SourceContract } from '../../core/contract.js';
import type { Detector } from '../../core/detector.js';
import type { Diagnostic, SourceLocation } from '../../core/diagnostic.js';
import { allDetectors } from '../../detectors/registry.js';
import { compileOptionsSchema } from '../ajv.js';
import { didYouMean } from '../did-you-mean.js';
import { displayPath, schemaDiagnostics } from '../schema-errors.js';
import { diagnosticAt, fieldLocation, type ContractRule, type RuleContext } from './rule.js';

type AnyDetector = Detector<Record<string, unknown>>;

/**
 * Why a check override cannot take effect where it is written (undefined when it can): on a metric the detector does
 * not apply to, or on a source none of whose metrics it applies to. A disabled check (`enabled: false`) is always fine.
 */
function applicability(
  detector: AnyDetector,
  owner: { location: SourceLocation },
  scope: 'metric' | 'source',
): string | undefined {
  const appliesTo = detector.appliesTo;
  if (!appliesTo || detector.scope !== 'metric') return undefined;
  if (scope === 'metric') return appliesTo(owner as MetricContract);
  const metrics = (owner as SourceContract).metrics;
  if (metrics.some((m) => appliesTo(m) === undefined)) return undefined;
  const first = metrics[0];
  return first ? `no metric of the source qualifies (${appliesTo(first)})` : 'the source declares no metric';
}

function checkOne(
  owner: { location: SourceLocation },
  displayBase: (string | number)[],
  id: string,
  override: CheckOverride,
  scope: 'metric' | 'source',
  detectors: ReadonlyMap<string, AnyDetector>,
  ctx: RuleContext,
): Diagnostic[] {
  const detector = detectors.get(id);
  const path = ['checks', id];
  const shown = displayPath([...displayBase, ...path]);
  if (!detector) {
    const ids = [...detectors.keys()];
    return [
      diagnosticAt(fieldLocation(ctx, owner, path, 'key'), {
        severity: 'error',
        code: 'unknown-check',
        message: `${shown}: no detector has the id "${id}"`,
        hint:
          didYouMean(id, ids) ??
          (ids.length > 0 ? `known checks: ${ids.join(', ')}` : 'this build has no detectors registered yet'),
        path: '/' + [...displayBase, ...path].join('/'),
      }),
    ];
  }
  const out: Diagnostic[] = [];
  if (scope === 'metric' && detector.scope === 'source') {
    out.push(
      diagnosticAt(fieldLocation(ctx, owner, path, 'key'), {
        severity: 'warning',
        code: 'check-scope',
        message: `check "${id}" applies to a whole source, not to one metric`,
        hint: "move it to the source's checks",
      }),
    );
  }
  const notApplicable = override.enabled === false ? undefined : applicability(detector, owner, scope);
  if (notApplicable)
    out.push(
      diagnosticAt(fieldLocation(ctx, owner, path, 'key'), {
        severity: 'error',
        code: 'check-not-applicable',
        message: `${shown}: check "${id}" does not apply here: ${notApplicable}`,
        hint:
          scope === 'metric'
            ? `remove checks.${id} from this metric, or change the metric's declaration so the check applies`
            : `remove checks.${id} from the source, or declare a metric it applies to`,
        path: '/' + [...displayBase, ...path].join('/'),
      }),
    );
  if (override.options === undefined) return out;
  const validate = compileOptionsSchema(detector.optionsSchema);
  const optionsPath = [...path, 'options'];
  if (validate instanceof Error) {
    out.push(
      diagnosticAt(fieldLocation(ctx, owner, optionsPath), {
        severity: 'warning',
        code: 'check-options-unchecked',
        message: `options of check "${id}" cannot be checked: the detector's options schema does not compile`,
        hint: 'this is a bug in the detector, not in your contract; please report it',
      }),
    );
    return out;
  }
  if (validate(override.options)) return out;
  const doc = {
    file: owner.location.file,
    index: 0,
    value: override.options,
    locate: (p: readonly (string | number)[], at?: 'key' | 'value') =>
      fieldLocation(ctx, owner, [...optionsPath, ...p], at),
  };
  const prefix = [...displayBase, ...optionsPath];
  for (const d of schemaDiagnostics(validate.errors ?? [], doc, displayPath(prefix), prefix)) {
    out.push({ ...d, code: 'check-options' });
  }
  return out;
}

/**
 * Build the rule over a detector list (the registry by default; tests pass their own).
 *
 * @example
 * const rule = checkOverridesRule(() => [frozenRun]);
 */
export function checkOverridesRule(detectors: () => readonly AnyDetector[] = allDetectors): ContractRule {
  return {
    id: 'check-overrides',
    check(set, ctx) {
      const registry = new Map(detectors().map((d) => [d.id, d]));
      const out: Diagnostic[] = [];
      for (const s of set.sources) {
        for (const [id, o] of Object.entries(s.checks))
          out.push(...checkOne(s, [], id, o, 'source', registry, ctx));
        s.metrics.forEach((m, i) => {
          for (const [id, o] of Object.entries(m.checks)) {
            out.push(...checkOne(m, ['metrics', i], id, o, 'metric', registry, ctx));
          }
        });
      }
      return out;
    },
  };
}

/** The registered instance: validates against whatever `allDetectors()` holds at load time. */
export const checkOverrides: ContractRule = checkOverridesRule();
