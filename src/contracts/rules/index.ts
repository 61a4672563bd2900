// Semantic contract rules beyond the JSON Schema, run after a contract set loads. Each rule lives in its own file.
import type { ContractRule } from './rule.js';
import { knownDeprecationsRule } from './known-deprecations.js';

/** Every semantic rule, run in order; each returns diagnostics and never throws. */
export const RULES: readonly ContractRule[] = [knownDeprecationsRule];
