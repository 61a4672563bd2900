// A semantic contract rule: reads the loaded contract set and returns diagnostics located in the user's files.
import type { ContractSet } from '../../core/contract.js';
import type { Diagnostic, SourceLocation } from '../../core/diagnostic.js';
import type { SecretLookup } from '../../core/secret.js';
import type { EntityLocator } from '../locations.js';
import type { Salvage } from '../salvage.js';

export interface RuleContext {
  /**
   * Looks up `${VAR}` references (warning when unset at validate time). Undefined when the caller gave no
   * environment (a library load): rules about the environment then stay silent.
   */
  env?: SecretLookup;
  /** "Today", for rules about dates (version end of life, removed metrics). */
  now: Date;
  /**
   * Position of a field of an entity of the set (`locate(metric, ['range', 'min'])`); undefined for entities the
   * loader did not build. Fall back to the entity's `location`.
   */
  locate?: EntityLocator;
  /** Names of sources declared in documents that failed schema validation (not in the set; already reported). */
  invalidSources?: ReadonlySet<string>;
  /**
   * What can still be checked in the documents that failed schema validation (a cron, metric names, `uses`), so
   * semantic issues show in the same run as the schema errors beside them.
   */
  salvaged?: Salvage;
}

/** One rule: pure, returns every issue it finds, never throws. */
export interface ContractRule {
  id: string;
  check(set: ContractSet, ctx: RuleContext): Diagnostic[];
}

/**
 * Where a field of an entity was written, falling back to the entity's own location.
 *
 * @example
 * fieldLocation(ctx, source, ['schedule']) // { file: 'contracts/meta.yaml', line: 12, col: 11 }
 */
export function fieldLocation(
  ctx: RuleContext,
  entity: { location: SourceLocation },
  path: readonly (string | number)[],
  at: 'key' | 'value' = 'value',
): SourceLocation {
  return ctx.locate?.(entity, path, at) ?? entity.location;
}

/** A diagnostic at a location (copying only file/line/col from it). */
export function diagnosticAt(loc: SourceLocation, d: Omit<Diagnostic, 'file' | 'line' | 'col'>): Diagnostic {
  return { file: loc.file, line: loc.line, col: loc.col, ...d };
}
