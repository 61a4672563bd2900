// `upwatch report`: write one self-contained HTML file (gates, findings with evidence and charts, sources) from the store.
import type { Command } from 'commander';
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { hasErrors, loadContracts } from '../../contracts/load.js';
import { formatDiagnostic } from '../../core/diagnostic.js';
import { errorMessage, UpwatchError } from '../../core/errors.js';
import { collectReport, DEFAULT_REPORT_DAYS } from '../../report/collect.js';
import type { ReportData } from '../../report/model.js';
import { renderReport } from '../../report/render.js';
import { isStoreUrl, openAnyStore } from '../../store/open.js';
import type { Store } from '../../store/ports.js';
import { printError } from '../errors.js';
import { EXIT, type CliIO } from '../io.js';
import { resolveSettings } from '../settings.js';
import type { CommandState } from './index.js';
import { secretValues } from '../../contracts/secret-values.js';

/** Default output file, in the working directory. */
export const DEFAULT_REPORT_FILE = 'upwatch-report.html';

interface ReportFlags {
  db?: string;
  contracts?: string;
  out: string;
  source?: string;
  days: string;
}

function parseDays(raw: string): number {
  const days = Number(raw);
  if (!/^\d+$/.test(raw) || days < 1 || days > 3650) {
    throw new UpwatchError('USAGE', `--days must be a whole number from 1 to 3650 (got "${raw}")`, {
      hint: 'e.g. --days 7 lists the findings resolved in the last week',
    });
  }
  return days;
}

/** The one-line summary printed after the path. */
export function reportSummary(data: ReportData): string {
  const c = data.gate.counts;
  const n = data.gate.features.length;
  const features =
    n === 0
      ? 'no features'
      : `${c.blocked} of ${n} feature${n === 1 ? '' : 's'} blocked, ${c.warn} warn, ${c.ok} ok`;
  const resolved = data.resolved.length + data.resolvedOmitted;
  return `${features}; ${data.open.length} open finding${data.open.length === 1 ? '' : 's'}, ${resolved} resolved in the last ${data.days} day${data.days === 1 ? '' : 's'}`;
}

/**
 * Check before a long run that `path` can be written (its directory is created): a USAGE error (exit 2) otherwise.
 */
export function checkWritable(path: string, flag: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    accessSync(dirname(path), constants.W_OK);
    if (existsSync(path) && statSync(path).isDirectory()) throw new Error('it is a directory');
  } catch (e) {
    throw new UpwatchError('USAGE', `cannot write ${flag} ${path}: ${errorMessage(e)}`, {
      hint: 'check that the directory is writable, or pass another file',
      cause: e,
    });
  }
}

/**
 * Write a rendered report to `path` atomically (core/atomic-write.ts), creating its directory: a full disk leaves the
 * previous report whole and no partial file. A failure is a USAGE error (exit 2) naming the flag.
 */
export function writeReportFile(path: string, html: string, flag = '--out'): void {
  try {
    writeFileAtomic(path, html);
  } catch (e) {
    throw new UpwatchError('USAGE', `cannot write ${flag} ${path}: ${errorMessage(e)}`, {
      hint: 'check that the directory is writable, or pass another file',
      cause: e,
    });
  }
}

/** How a written file is named on stdout: relative to the working directory when inside it. */
export function shownPath(io: CliIO, path: string): string {
  const rel = relative(io.cwd, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/**
 * Register `upwatch report`.
 *
 * @example
 * upwatch report --out reports/upwatch.html --days 14
 */
export function registerReport(program: Command, io: CliIO, state: CommandState): void {
  program
    .command('report')
    .description(
      'Write a self-contained HTML report (inline SVG charts, no scripts or external files): feature gate states, ' +
        'open findings with evidence and charts, recently resolved findings, sources',
    )
    .option('--db <path>', 'store file (env UPWATCH_DB, default .upwatch/upwatch.db)')
    .option('--contracts <dir>', 'contracts directory (env UPWATCH_CONTRACTS, default contracts)')
    .option('--out <file>', 'HTML file to write', DEFAULT_REPORT_FILE)
    .option('--source <name>', 'only this source and the features that use it')
    .option('--days <n>', 'list the findings resolved in the last N days', String(DEFAULT_REPORT_DAYS))
    .addHelpText(
      'after',
      '\nExit codes: 0 the report was written (also when features are blocked: it is a report, not a gate);\n' +
        '2 could not run (no store, contracts that do not load, unknown --source, bad flags, --out not writable).',
    )
    .action(async (flags: ReportFlags) => {
      let store: Store | undefined;
      try {
        const days = parseDays(flags.days);
        const settings = resolveSettings(io, { db: flags.db, contracts: flags.contracts });
        if (settings.db !== ':memory:' && !isStoreUrl(settings.db) && !existsSync(settings.db)) {
          throw new UpwatchError('STORE_UNAVAILABLE', `no store at ${settings.db}`, {
            hint: 'run `upwatch poll` first, or pass --db PATH',
          });
        }
        const now = io.clock.now();
        const { contracts, diagnostics } = await loadContracts(settings.contracts, { now, root: io.cwd });
        const errors = diagnostics.filter((d) => d.severity === 'error');
        if (hasErrors(diagnostics)) {
          io.stderr(
            `warning: ${errors.length} contract error${errors.length === 1 ? '' : 's'} (run upwatch validate):\n`,
          );
          for (const d of errors.slice(0, 5)) io.stderr(`  ${formatDiagnostic(d).replace(/\n/g, '\n  ')}\n`);
        }
        if (contracts.sources.length === 0 && contracts.features.length === 0) {
          throw new UpwatchError('CONTRACTS_INVALID', `no usable contract in ${settings.contracts}`, {
            hint: hasErrors(diagnostics)
              ? 'fix the errors above (upwatch validate)'
              : 'add Source and Feature contracts, or pass --contracts DIR',
          });
        }
        store = await openAnyStore(settings.db, { readonly: true });
        const data = await collectReport({
          store,
          contracts,
          storePath: store.path,
          contractsDir: settings.contracts,
          contractErrors: errors.length,
          now,
          days,
          ...(flags.source === undefined ? {} : { source: flags.source }),
        });
        const html = renderReport(data, { secrets: secretValues(contracts, (n) => io.env[n]) });
        const out = resolve(io.cwd, flags.out);
        writeReportFile(out, html);
        io.stdout(`wrote ${shownPath(io, out)} (${Math.ceil(Buffer.byteLength(html) / 1024)} KB)\n`);
        io.stdout(`${reportSummary(data)}\n`);
        state.exitCode = EXIT.OK;
      } catch (e) {
        printError(io, e);
        state.exitCode = EXIT.CANNOT_RUN;
      } finally {
        await store?.close();
      }
    });
}
