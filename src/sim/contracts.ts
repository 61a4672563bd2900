// The contracts that go with a scenario: YAML files under src/sim/contracts/<set>/ with a {{SIM_URL}} placeholder.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SecretLookup } from '../core/secret.js';
import { UpwatchError } from '../core/errors.js';
import type { Scenario } from './scenario.js';

/** The text replaced by the simulator's base URL in the scenario contracts. */
export const SIM_URL_PLACEHOLDER = '{{SIM_URL}}';

/** Environment variables the scenario contracts reference for their tokens. */
export const SIM_TOKEN_VARS = { graph: 'SIM_META_TOKEN', partner: 'SIM_PARTNER_TOKEN' } as const;

/** Directory holding the bundled contract sets (next to this file, in src/ and when copied beside dist/). */
export const SIM_CONTRACTS_DIR = fileURLToPath(new URL('./contracts/', import.meta.url));

/**
 * The contract files of a scenario with `{{SIM_URL}}` replaced by `simUrl`, ready for `loadContractTexts`.
 * Paths are `sim/<set>/<file>` (relative, for diagnostics).
 *
 * @example
 * const files = simContractFiles(meta2024, sim.url);
 * const { contracts } = loadContractTexts(files, { env: simContractEnv(meta2024) });
 */
export function simContractFiles(
  scenario: Pick<Scenario, 'contractSet'>,
  simUrl: string,
): { path: string; text: string }[] {
  const dir = join(SIM_CONTRACTS_DIR, scenario.contractSet);
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.yaml'))
      .sort();
  } catch (e) {
    throw new UpwatchError(
      'NOT_FOUND',
      `no simulator contracts for set "${scenario.contractSet}" at ${dir}`,
      {
        cause: e,
        hint: 'the YAML files under src/sim/contracts/ must ship with the code',
      },
    );
  }
  const base = simUrl.replace(/\/+$/, '');
  return names.map((name) => ({
    path: `sim/${scenario.contractSet}/${name}`,
    text: readFileSync(join(dir, name), 'utf8').replaceAll(SIM_URL_PLACEHOLDER, base),
  }));
}

/**
 * Write a scenario's contracts, placeholder substituted, into `dir` (for `loadContracts(dir)`); returns the paths.
 *
 * @example
 * writeSimContracts(join(tmp, 'contracts'), meta2024, sim.url);
 */
export function writeSimContracts(
  dir: string,
  scenario: Pick<Scenario, 'contractSet'>,
  simUrl: string,
): string[] {
  mkdirSync(dir, { recursive: true });
  return simContractFiles(scenario, simUrl).map((f) => {
    const path = join(dir, f.path.split('/').pop()!);
    writeFileSync(path, f.text);
    return path;
  });
}

/**
 * The variable lookup that gives the scenario contracts their simulator tokens (`SIM_META_TOKEN`,
 * `SIM_PARTNER_TOKEN`); anything else falls through to `fallback`.
 */
export function simContractEnv(
  scenario: Pick<Scenario, 'graph' | 'partner'>,
  fallback?: SecretLookup,
): SecretLookup {
  return (name) => {
    if (name === SIM_TOKEN_VARS.graph) return scenario.graph.accessToken;
    if (name === SIM_TOKEN_VARS.partner) return scenario.partner.token;
    return fallback?.(name);
  };
}
