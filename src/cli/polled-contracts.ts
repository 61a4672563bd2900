// The contracts `poll` and `run` act on: every contract error stops them, and so does an unset secret of a polled source.
import { loadContracts } from '../contracts/load.js';
import { isPolled, type ContractSet, type SourceContract } from '../core/contract.js';
import { formatDiagnostic, type Diagnostic } from '../core/diagnostic.js';
import { UpwatchError, isUpwatchError } from '../core/errors.js';
import { EXIT, type CliIO, type ExitCode } from './io.js';

export interface PolledContracts {
  contracts: ContractSet;
  /** The sources to poll (all, or those named by --source). */
  sources: SourceContract[];
}

function selectSources(
  all: SourceContract[],
  only: readonly string[] | undefined,
  push: boolean,
): SourceContract[] {
  if (!only || only.length === 0) return push ? all : all.filter(isPolled);
  const unknown = only.filter((n) => !all.some((s) => s.name === n));
  if (unknown.length > 0) {
    throw new UpwatchError('USAGE', `unknown source ${unknown.join(', ')}`, {
      hint: `sources loaded: ${all.map((s) => s.name).join(', ') || 'none'}`,
    });
  }
  const chosen = all.filter((s) => only.includes(s.name));
  const pushed = chosen.filter((s) => !isPolled(s));
  if (!push && pushed.length > 0)
    throw new UpwatchError('USAGE', `source ${pushed.map((s) => s.name).join(', ')} is pushed, not polled`, {
      hint: `provider: push sources are fed by upwatch ingest --source ${pushed[0]!.name} FILE`,
    });
  return chosen;
}

function printAll(io: CliIO, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
}

/**
 * Load the contracts for a command that polls. Any contract error stops it (a source declared twice would be polled
 * twice; a half-loaded set gates on a guess): `CONTRACTS_INVALID` (exit 1) after printing every issue, or
 * `CONTRACTS_UNUSABLE` (exit 2) when no source is usable at all. An unset `${VAR}` of a source to poll is
 * `SECRET_UNSET` (exit 2) with its file:line:col; at `validate` it stays a warning, since CI need not hold secrets.
 * `provider: push` sources are left out (naming one is `USAGE`) unless `options.push` (`upwatch ingest`).
 *
 * @example
 * const { contracts, sources } = await loadPolledContracts(io, settings.contracts, flags.source);
 */
export async function loadPolledContracts(
  io: CliIO,
  dir: string,
  only: readonly string[] | undefined,
  options: { push?: boolean } = {},
): Promise<PolledContracts> {
  const { contracts, diagnostics } = await loadContracts(dir, {
    env: (name) => io.env[name],
    now: io.clock.now(),
    root: io.cwd,
  });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    printAll(io, errors);
    const plural = errors.length === 1 ? '' : 's';
    throw new UpwatchError(
      contracts.sources.length === 0 ? 'CONTRACTS_UNUSABLE' : 'CONTRACTS_INVALID',
      `${errors.length} contract error${plural} in ${dir}: nothing was polled`,
      { hint: 'fix the errors above (upwatch validate shows them too), then poll again' },
    );
  }
  if (contracts.sources.length === 0) {
    throw new UpwatchError('CONTRACTS_UNUSABLE', `no Source contract in ${dir}`, {
      hint: 'add a Source contract (upwatch init writes one), or pass --contracts DIR',
    });
  }
  const sources = selectSources(contracts.sources, only, options.push ?? false);
  const polled = new Set(sources.map((s) => s.name));
  const unset = diagnostics
    .filter((d) => d.code === 'secret-unset' && (d.source === undefined || polled.has(d.source)))
    .map((d): Diagnostic => ({ ...d, severity: 'error' }));
  if (unset.length > 0) {
    printAll(io, unset);
    throw new UpwatchError(
      'SECRET_UNSET',
      `${unset.length} secret variable(s) the polled sources need are not set`,
      {
        hint: 'export them where upwatch polls (their names are above; values are never printed)',
      },
    );
  }
  return { contracts, sources };
}

/**
 * The exit code for an error that stopped a polling command before it polled: 1 for invalid contracts (the policy
 * failed, as at `validate`), 2 for everything else (could not run).
 *
 * @example
 * state.exitCode = exitCodeBeforePolling(e);
 */
export function exitCodeBeforePolling(e: unknown): ExitCode {
  return isUpwatchError(e, 'CONTRACTS_INVALID') ? EXIT.POLICY_FAILED : EXIT.CANNOT_RUN;
}
