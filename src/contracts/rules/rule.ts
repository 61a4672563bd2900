// A semantic contract rule: reads the loaded contract set and returns diagnostics located in the user's files.
import type { ContractSet } from '../../core/contract.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import type { SecretLookup } from '../../core/secret.js';

export interface RuleContext {
  /** Looks up `${VAR}` references (warning when unset at validate time). */
  env: SecretLookup;
  /** "Today", for rules about dates (version end of life, removed metrics). */
  now: Date;
}

/** One rule: pure, returns every issue it finds. */
export interface ContractRule {
  id: string;
  check(set: ContractSet, ctx: RuleContext): Diagnostic[];
}
