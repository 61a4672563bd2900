// `upwatch gate FEATURE… | --model M`: may these features be trained or served now? Exit 0 allowed, 1 blocked, 2 cannot run.
import { Option, type Command } from 'commander';
import { join, relative, resolve } from 'node:path';
import type { ContractSet } from '../../core/contract.js';
import { formatDiagnostic } from '../../core/diagnostic.js';
import { UpwatchError } from '../../core/errors.js';
import type { FeatureGate, GateReport } from '../../core/gate.js';
import { readStatusFile, selectFromStatus, toStatusFile } from '../../gate/status-file.js';
import type { Store } from '../../store/store.js';
import { printError } from '../errors.js';
import { resolveSettings } from '../settings.js';
import { EXIT, type CliIO, type ExitCode } from '../io.js';
import type { CommandState } from './index.js';

/** Default store path when neither --db nor UPWATCH_DB is given. */
export const DEFAULT_DB_PATH = '.upwatch/upwatch.db';

/** The store path: --db > $UPWATCH_DB > config file > .upwatch/upwatch.db (absolute, see src/cli/settings.ts). */
export function dbPath(io: CliIO, flag: string | undefined): string {
  return resolveSettings(io, { db: flag }).db;
}

/** The contracts directory: --contracts > $UPWATCH_CONTRACTS > config file > contracts. */
export function contractsDir(io: CliIO, flag: string | undefined): string {
  return resolveSettings(io, { contracts: flag }).contracts;
}

/**
 * Load contracts for a gate command. Errors in unrelated contracts do not stop the gate (they are reported on
 * stderr); a feature whose contract failed to load is unknown, which exits 2.
 */
export async function loadGateContracts(io: CliIO, dir: string | undefined): Promise<ContractSet> {
  // Loaded here, not at the top: a gate from a status file needs no YAML parser, schema validator or detectors.
  const { hasErrors, loadContracts } = await import('../../contracts/load.js');
  const { contracts, diagnostics } = await loadContracts(contractsDir(io, dir), {
    env: (n) => io.env[n],
    now: io.clock.now(),
    root: io.cwd,
  });
  if (hasErrors(diagnostics)) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    io.stderr(
      `warning: ${errors.length} contract error${errors.length === 1 ? '' : 's'} (run upwatch validate):\n`,
    );
    for (const d of errors.slice(0, 5)) io.stderr(`  ${formatDiagnostic(d).replace(/\n/g, '\n  ')}\n`);
  }
  return contracts;
}

/** The status file to read: the flag's path, else the configured one (the file `poll` and `run` write). */
function statusFilePath(io: CliIO, flag: string | true): string {
  if (flag !== true) return resolve(io.cwd, flag);
  const settings = resolveSettings(io);
  return settings.statusFile ?? join(settings.snapshots, 'status.json');
}

const LABEL = { ok: 'ok', warn: 'WARN', blocked: 'BLOCKED' } as const;

/** Human text for a gate report. */
export function formatGateText(report: GateReport): string {
  const out: string[] = [];
  for (const f of report.features) out.push(...featureLines(f));
  out.push(
    `${report.features.length} feature${report.features.length === 1 ? '' : 's'}: ${report.counts.blocked} blocked, ${report.counts.warn} warn, ${report.counts.ok} ok`,
  );
  return out.join('\n') + '\n';
}

function featureLines(f: FeatureGate): string[] {
  const lines = [
    `${f.feature}  ${LABEL[f.state]}${f.override ? `  (override ${f.override.action} by ${f.override.by} until ${f.override.until}: ${f.override.reason})` : ''}`,
  ];
  for (const r of f.reasons) {
    lines.push(
      `  ${r.severity.padEnd(5)}  ${r.rule}  ${r.source}/${r.metric ?? '*'}  ${r.explanation.split('\n')[0]}  [${r.fingerprint.slice(0, 10)}${r.status === 'acknowledged' ? ', acknowledged' : ''}]`,
    );
    if (r.replacement) lines.push(`         replacement: ${r.replacement}`);
  }
  for (const d of f.decisions ?? []) {
    lines.push(
      `  decided  ${d.kind}${d.factor !== undefined ? ` ×${d.factor}` : ''}  ${d.source}/${d.metric ?? '*'}  by ${d.by} on ${d.at.slice(0, 10)}: ${d.reason}  [${d.fingerprint.slice(0, 10)}]`,
    );
  }
  for (const u of f.unverified) {
    lines.push(
      `  unverified  ${u.metrics.map((m) => `${u.source}/${m}`).join(', ')}: ${u.lastVerifiedAt ? `last verified ${u.lastVerifiedAt}` : 'never verified'} (freshness ${u.freshnessHours} h)`,
    );
  }
  return lines;
}

const FAIL_ON = ['block', 'warn', 'never'] as const;
type FailOn = (typeof FAIL_ON)[number];

interface GateFlags {
  model?: string;
  json?: boolean;
  db?: string;
  contracts?: string;
  /** A path, or true for the configured status file (UPWATCH_STATUS_FILE, statusFile, <snapshots>/status.json). */
  statusFile?: string | true;
  failOn: FailOn;
  /** `serving` (default): today's findings; `training`: the window's history, through the advisor. */
  for: 'serving' | 'training';
  window?: string;
}

/** Exit code of a gate report under --fail-on. */
export function gateExitCode(report: GateReport, failOn: FailOn): ExitCode {
  if (failOn === 'never') return EXIT.OK;
  if (report.counts.blocked > 0) return EXIT.POLICY_FAILED;
  return failOn === 'warn' && report.counts.warn > 0 ? EXIT.POLICY_FAILED : EXIT.OK;
}

/**
 * Register `upwatch gate`.
 *
 * @example
 * upwatch gate engagement_rate_7d reach_28d --json
 */
// eslint-disable-next-line max-lines-per-function -- commander declarations: one line per flag plus the action, read as the command's reference
export function registerGate(program: Command, io: CliIO, state: CommandState): void {
  program
    .command('gate')
    .description('Decide whether features may be trained or served now (exit 0 allowed, 1 blocked)')
    .argument('[features...]', 'feature names')
    .option('--model <model>', 'every feature of this model')
    .option('--json', 'print the decision as JSON (the status file shape)')
    .option('--db <path>', `store (default: $UPWATCH_DB, else ${DEFAULT_DB_PATH})`)
    .option('--contracts <dir>', 'contracts directory (default: $UPWATCH_CONTRACTS, else contracts)')
    .option(
      '--status-file [path]',
      'decide from a status file instead of the store (without a path: $UPWATCH_STATUS_FILE, else snapshots/status.json)',
    )
    .addOption(
      new Option('--for <use>', 'serving: decide on today; training: decide on the history of --window')
        .choices(['serving', 'training'])
        .default('serving'),
    )
    .option(
      '--window <from..to>',
      'with --for training: the training window (default: the 28 days ending today)',
    )
    .addOption(
      new Option('--fail-on <level>', 'exit 1 when a feature is at or above this state')
        .choices(FAIL_ON)
        .default('block'),
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 every feature allowed (ok or warn; with --fail-on warn only ok); 1 at least one blocked;\n' +
        '2 could not run (unknown feature or model, no store or status file, bad flags).\n' +
        'With --for training: 0 fit to train on the window; 1 fixes required or not yet (see upwatch advise);\n' +
        '3 could not verify (an input has no values in the window).',
    )
    .action(async (features: string[], flags: GateFlags) => {
      let store: Store | undefined;
      try {
        if (features.length === 0 && flags.model === undefined) {
          throw new UpwatchError('USAGE', 'name at least one feature or pass --model', {
            hint: 'upwatch gate engagement_rate_7d, or upwatch gate --model ranker',
          });
        }
        if (flags.for === 'training') {
          if (flags.statusFile !== undefined)
            throw new UpwatchError('USAGE', '--for training reads the store, not a status file', {
              hint: 'drop --status-file, or pass --db PATH',
            });
          const { runTrainingGate } = await import('./gate-training.js');
          state.exitCode = await runTrainingGate(io, { ...flags, feature: features });
          return;
        }
        if (flags.window !== undefined)
          throw new UpwatchError('USAGE', '--window needs --for training', {
            hint: 'upwatch gate --model ranker --for training --window 2026-03-01..2026-03-28',
          });
        const selection = { features, ...(flags.model !== undefined ? { model: flags.model } : {}) };
        let report: GateReport;
        if (flags.statusFile !== undefined) {
          const path = statusFilePath(io, flags.statusFile);
          report = selectFromStatus(readStatusFile(path), selection);
          const shown = flags.statusFile === true ? relative(io.cwd, path) : flags.statusFile;
          io.stderr(`from ${shown}, generated ${report.generatedAt}\n`);
        } else {
          const [{ checkGate }, { openGateStore }] = await Promise.all([
            import('../../gate/check-gate.js'),
            import('./gate-store.js'),
          ]);
          const contracts = await loadGateContracts(io, flags.contracts);
          store = await openGateStore(io, flags.db, true);
          report = await checkGate({ store, contracts, ...selection, now: io.clock.now() });
        }
        if (flags.json) io.stdout(JSON.stringify(toStatusFile(report), null, 2) + '\n');
        else io.stdout(formatGateText(report));
        state.exitCode = gateExitCode(report, flags.failOn);
      } catch (e) {
        printError(io, e);
        state.exitCode = EXIT.CANNOT_RUN;
      } finally {
        await store?.close();
      }
    });
}
