// `upwatch backtest --history FILE`: replay an exported history through the detectors, day by day.
import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import { formatDiagnostic } from '../../core/diagnostic.js';
import type { ContractSet } from '../../core/contract.js';
import { UpwatchError } from '../../core/errors.js';
import { hasErrors, loadContracts } from '../../contracts/load.js';
import { readHistoryFile } from '../../backtest/history-file.js';
import { HistorySet } from '../../backtest/history-set.js';
import type { BacktestFinding } from '../../backtest/replay.js';
import { replayFindingsParallel } from '../../backtest/replay-parallel.js';
import { printError } from '../errors.js';
import { boundHeapGrowth } from '../../backtest/heap-bound.js';
import { EXIT, type CliIO } from '../io.js';
import type { CommandState } from './index.js';
import { positiveInt } from './run-fleet.js';

interface BacktestFlags {
  history: string;
  contracts?: string;
  format: 'text' | 'json';
  progress?: boolean;
  workers?: string;
}

/** The JSON object printed per finding (`--format json`, one per line). */
export function backtestJson(f: BacktestFinding): Record<string, unknown> {
  return {
    rule: f.rule,
    severity: f.severity,
    source: f.source,
    metric: f.metric ?? null,
    entities: f.entities,
    onset: f.onset,
    detectedOn: f.detectedOn,
    explanation: f.explanation,
    evidence: f.evidence,
    class: f.class,
    event: f.event,
    lifecycle: f.lifecycle,
    ...(f.resolution ? { resolution: f.resolution } : {}),
    fingerprint: f.fingerprint,
  };
}

function textLine(f: BacktestFinding): string {
  const where = `${f.source}/${f.metric ?? '-'}`;
  const ents =
    f.entities.length > 0
      ? `  entities ${f.entities.length}${f.entityShare !== undefined ? ` (${Math.round(100 * f.entityShare)} %)` : ''}`
      : '';
  const ev = f.event === 'new' ? '' : `  [${f.event}]`;
  return `${f.detectedOn}  ${f.severity.padEnd(5)}  ${f.rule.padEnd(19)}  ${where}  onset ${f.onset}${ents}${ev}\n    ${f.explanation}\n`;
}

/**
 * Replay threads when --workers is not given: one per two cores. A replay thread keeps V8's collector threads busy on
 * about a third of another core (1 M rows on 2 cores: 60 s CPU in 45 s wall with one thread), so two threads on two
 * cores took 30 % more CPU, 57 % more memory and 8 % less time (BENCHMARKS.md, "Speed, fifth round").
 */
export function defaultWorkers(cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / 2));
}

/**
 * Register `upwatch backtest`.
 *
 * @example
 * upwatch backtest --history export.csv --format json
 */
// eslint-disable-next-line max-lines-per-function -- commander declarations: one line per flag plus the action, read as the command's reference
export function registerBacktest(program: Command, io: CliIO, state: CommandState): void {
  program
    .command('backtest')
    .description('Replay a history export (CSV or JSON Lines) through the detectors, one day at a time')
    .requiredOption(
      '--history <file>',
      'CSV with header date,source,metric,entity,value, or JSON Lines with those fields',
    )
    .option(
      '--contracts <dir>',
      'contracts directory (metric kinds and check overrides); default: every metric a count, or a ratio when its first 14 days are 0..1 fractions',
    )
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--no-progress', 'do not report progress on stderr')
    .option(
      '--workers <n>',
      'threads to run the detectors on, the days split between them (default: one per two cores available); 1: in the main thread',
    )
    .addHelpText(
      'after',
      '\nPrints each finding on the day it would have fired (first time, escalation, reopening) or resolved, through the same\n' +
        'findings lifecycle as poll: a condition resolves after 2 good polls without it; a change (a unit factor, a metric\n' +
        'gone) holds until the upstream reverts. The summary says what is still open at the end.\n' +
        'The detectors run on --workers threads, each replaying a run of consecutive days (the output is the same as\n' +
        'with --workers 1); each thread holds its own window of the history in memory (about 300 MB more per thread\n' +
        'for 1 million rows), and keeps the garbage collector busy on a second core, hence one thread per two cores.\n' +
        'Exit codes: 0 replay done (findings are data); 2 unreadable history, bad contracts, bad flags or a failed\n' +
        'worker thread.\n',
    )
    .action(async (flags: BacktestFlags) => {
      try {
        const workers =
          flags.workers === undefined ? defaultWorkers() : positiveInt('--workers', flags.workers);
        let contracts: ContractSet | undefined;
        if (flags.contracts) {
          const loaded = await loadContracts(flags.contracts, { root: io.cwd, now: io.clock.now() });
          if (hasErrors(loaded.diagnostics)) {
            for (const d of loaded.diagnostics) io.stderr(`${formatDiagnostic(d)}\n`);
            throw new UpwatchError('CONTRACTS_INVALID', `contracts in ${flags.contracts} have errors`, {
              hint: 'run upwatch validate --contracts DIR and fix the errors first',
            });
          }
          contracts = loaded.contracts;
        }
        const started = Date.now();
        const set = new HistorySet();
        const progress = flags.progress !== false;
        let lastReport = Date.now();
        const { rows } = await readHistoryFile(flags.history, (row, line) => {
          // Category rows are counts per category of one day: kept one by one, the last would pass for the total.
          if (row.category !== undefined)
            throw new UpwatchError(
              'HISTORY_INVALID',
              `${flags.history}:${line}: backtest does not replay categorical metrics (this row has category "${row.category}")`,
              {
                hint: 'push the file with upwatch ingest, or export the daily total without the category column',
              },
            );
          set.add(row);
          if (progress && set.rows % 100_000 === 0 && Date.now() - lastReport > 1000) {
            lastReport = Date.now();
            io.stderr(`read ${set.rows.toLocaleString('en-US')} rows…\n`);
          }
        });
        set.finish();
        if (progress) io.stderr(`read ${rows.toLocaleString('en-US')} rows; replaying…\n`);
        const counts = { block: 0, warn: 0, info: 0 };
        // Each day's grids and fits are garbage by the next day: V8 collects them with the old generation allowed to
        // grow by its live size (half of it when several threads each hold a window), so the peak stays near twice
        // what the replay holds, and without pretenuring, which on some runs took a day's objects for long-lived
        // ones (see heap-bound.ts and BENCHMARKS.md, "Backtest").
        const releaseHeap = boundHeapGrowth(workers > 1 ? 50 : 100);
        const { records } = await replayFindingsParallel(set, {
          workers,
          ...(contracts ? { contracts } : {}),
          onProgress: (done, total) => {
            if (!progress || Date.now() - lastReport < 1000) return;
            lastReport = Date.now();
            io.stderr(`day ${done}/${total}\n`);
          },
          onKind: (source, metric, kind) => {
            if (progress)
              io.stderr(
                `${source}/${metric}: every value of its first days lies in 0..1 and not all are whole: read as a ${kind} (declare its kind in a contract to change that)\n`,
              );
          },
          onFinding: (f) => {
            if (f.event !== 'resolved') counts[f.severity]++;
            io.stdout(flags.format === 'json' ? `${JSON.stringify(backtestJson(f))}\n` : textLine(f));
          },
        }).finally(releaseHeap);
        const days = Number.isFinite(set.minDay) ? set.maxDay - set.minDay + 1 : 0;
        const open = records.filter((r) => r.status !== 'resolved');
        const held = open.filter((r) => r.lifecycle === 'change' && r.goodPollsSinceAbsent > 0).length;
        const openBy = (sev: BacktestFinding['severity']) => open.filter((r) => r.severity === sev).length;
        const summary =
          `backtest: ${rows} rows, ${days} days replayed in ${((Date.now() - started) / 1000).toFixed(1)} s; findings: ${counts.block} block, ${counts.warn} warn, ${counts.info} info; ` +
          `open at the end: ${openBy('block')} block, ${openBy('warn')} warn, ${openBy('info')} info` +
          (held > 0
            ? ` (${held} held change${held === 1 ? '' : 's'} the detectors no longer see, until someone decides)`
            : '');
        if (flags.format === 'text') io.stdout(`${summary}\n`);
        else if (progress) io.stderr(`${summary}\n`);
        state.exitCode = EXIT.OK;
      } catch (e) {
        printError(io, e);
        state.exitCode = EXIT.CANNOT_RUN;
      }
    });
}
