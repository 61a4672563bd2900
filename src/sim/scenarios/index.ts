// The bundled scenarios by name (the demo's `--scenario NAME`).
import { UpwatchError } from '../../core/errors.js';
import type { Scenario } from '../scenario.js';
import { meta2024 } from './meta-2024.js';
import { quiet } from './quiet.js';
import type { PushScenario } from '../push-scenario.js';
import { ctrProxy } from './ctr-proxy.js';
import { searchTaxonomy } from './search-taxonomy.js';
import { trust } from './trust.js';
import { underwriting } from './underwriting.js';

/** Every bundled scenario; the first is the default. */
export const SCENARIOS: readonly Scenario[] = [meta2024, quiet];

/**
 * The warehouse stories (`upwatch demo --scenario underwriting`): metrics a job pushes through `upwatch ingest`, one
 * story each for post-prediction KPIs by segment, stale taxonomies, trust signals and proxy KPIs.
 */
export const PUSH_SCENARIOS: readonly PushScenario[] = [underwriting, searchTaxonomy, trust, ctrProxy];

/** Name of the default scenario. */
export const DEFAULT_SCENARIO = meta2024.name;

/**
 * A bundled scenario by name.
 *
 * @example
 * scenarioByName('meta-2024').days // 180
 */
export function scenarioByName(name: string): Scenario {
  const found = SCENARIOS.find((s) => s.name === name);
  if (found === undefined) {
    throw new UpwatchError('NOT_FOUND', `no simulator scenario named "${name}"`, {
      hint: `choose one of: ${SCENARIOS.map((s) => s.name).join(', ')}`,
    });
  }
  return found;
}

export { ctrProxy, meta2024, quiet, searchTaxonomy, trust, underwriting };
