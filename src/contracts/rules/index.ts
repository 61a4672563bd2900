// Semantic contract rules beyond the JSON Schema, run after a contract set loads. Each rule lives in its own file.
import { categoryFields } from './category-fields.js';
import { checkOverrides } from './check-overrides.js';
import { eventReferences } from './event-references.js';
import { invariantReferences } from './invariant-references.js';
import { knownDeprecationsRule } from './known-deprecations.js';
import { knownReferences } from './known-references.js';
import { modelReferences } from './model-references.js';
import { ratioParts } from './ratio-parts.js';
import type { ContractRule } from './rule.js';
import { secretsSet } from './secrets-set.js';
import { uniqueNames } from './unique-names.js';
import { unusedMetrics } from './unused-metrics.js';
import { validRanges } from './valid-ranges.js';
import { validSchedule } from './valid-schedule.js';

/** Every semantic rule, run in order; each returns diagnostics and never throws. Add a rule with one line. */
export const RULES: readonly ContractRule[] = [
  uniqueNames,
  validSchedule,
  knownReferences,
  validRanges,
  unusedMetrics,
  secretsSet,
  checkOverrides,
  invariantReferences,
  knownDeprecationsRule,
  eventReferences,
  modelReferences,
  ratioParts,
  categoryFields,
];
