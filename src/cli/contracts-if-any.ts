// Contracts loaded best effort, for commands that work from the store alone when there are none (status, clear-pause).
import { existsSync } from 'node:fs';
import { loadContracts } from '../contracts/load.js';
import type { ContractSet } from '../core/contract.js';
import type { CliIO } from './io.js';

/**
 * The contracts under `dir`, or undefined when there is no such directory or they cannot be loaded (the command then
 * lists only what the store holds).
 *
 * @example
 * const contracts = await contractsIfAny(io, settings.contracts);
 */
export async function contractsIfAny(io: CliIO, dir: string): Promise<ContractSet | undefined> {
  if (!existsSync(dir)) return undefined;
  try {
    return (await loadContracts(dir, { root: io.cwd, now: io.clock.now() })).contracts;
  } catch {
    return undefined;
  }
}
