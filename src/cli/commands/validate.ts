// `upwatch validate`: load and check the contracts like a compiler, no network; exit 0 valid, 1 invalid, 2 cannot run.
import { Option, type Command } from 'commander';
import type { ContractSet } from '../../core/contract.js';
import { formatDiagnostic, type Diagnostic } from '../../core/diagnostic.js';
import { hasErrors, loadContracts } from '../../contracts/load.js';
import { printError } from '../errors.js';
import { EXIT, type CliIO } from '../io.js';
import type { CommandState } from './index.js';

interface ValidateFlags {
  contracts: string;
  format: 'text' | 'json';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The machine-readable result of `upwatch validate --format json`. */
export interface ValidateReport {
  valid: boolean;
  summary: {
    files: number;
    sources: number;
    features: number;
    metrics: number;
    /** Declared events (`kind: Event`); absent when there are none. */
    events?: number;
    /** Declared models (`kind: Model`); absent when there are none. */
    models?: number;
    errors: number;
    warnings: number;
  };
  files: string[];
  diagnostics: Diagnostic[];
}

/** Build the report printed by `--format json`. */
export function validateReport(contracts: ContractSet, diagnostics: Diagnostic[]): ValidateReport {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return {
    valid: errors === 0,
    summary: {
      files: contracts.files.length,
      sources: contracts.sources.length,
      features: contracts.features.length,
      metrics: contracts.sources.reduce((n, s) => n + s.metrics.length, 0),
      ...((contracts.events?.length ?? 0) > 0 ? { events: contracts.events!.length } : {}),
      ...((contracts.models?.length ?? 0) > 0 ? { models: contracts.models!.length } : {}),
      errors,
      warnings: diagnostics.length - errors,
    },
    files: contracts.files,
    diagnostics,
  };
}

/** The summary line under the diagnostics of the text format. */
export function summaryLine(report: ValidateReport): string {
  const s = report.summary;
  const warnings = s.warnings > 0 ? ` (${plural(s.warnings, 'warning')})` : '';
  return report.valid
    ? `contracts valid: ${plural(s.files, 'file')}, ${plural(s.sources, 'source')}, ${plural(s.features, 'feature')}, ${plural(s.metrics, 'metric')}${s.events ? `, ${plural(s.events, 'event')}` : ''}${s.models ? `, ${plural(s.models, 'model')}` : ''}${warnings}`
    : `contracts invalid: ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')} in ${plural(s.files, 'file')}`;
}

/**
 * Register `upwatch validate`.
 *
 * @example
 * upwatch validate --contracts contracts --format json
 */
export function registerValidate(program: Command, io: CliIO, state: CommandState): void {
  program
    .command('validate')
    .description('Load and check the contracts (schema, names, cron, references, secrets); no network')
    .option('--contracts <dir>', 'contracts directory (searched recursively for *.yaml, *.yml)', 'contracts')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText(
      'after',
      '\nExit codes: 0 valid (warnings allowed); 1 any error; 2 bad flags or no such directory.\n',
    )
    .action(async (flags: ValidateFlags) => {
      try {
        const { contracts, diagnostics } = await loadContracts(flags.contracts, {
          root: io.cwd,
          env: (name) => io.env[name],
          now: io.clock.now(),
        });
        const report = validateReport(contracts, diagnostics);
        if (flags.format === 'json') {
          io.stdout(`${JSON.stringify(report, null, 2)}\n`);
        } else {
          for (const d of diagnostics) io.stdout(`${formatDiagnostic(d)}\n`);
          io.stdout(`${diagnostics.length > 0 ? '\n' : ''}${summaryLine(report)}\n`);
        }
        state.exitCode = hasErrors(diagnostics) ? EXIT.POLICY_FAILED : EXIT.OK;
      } catch (e) {
        // A missing directory (CONTRACTS_NOT_FOUND) or an unexpected failure: could not run.
        printError(io, e);
        state.exitCode = EXIT.CANNOT_RUN;
      }
    });
}
