// `upwatch ci`: the pull-request check — flags, output routing (stdout, --output, step summary) and the exit code.
import { Option, type Command } from 'commander';
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { UpwatchError, errorMessage } from '../../core/errors.js';
import { CI_FORMATS, formatResult, type CiFormat } from '../../ci/format/index.js';
import { escapeData, escapeProperty } from '../../ci/format/github.js';
import { formatMarkdown } from '../../ci/format/markdown.js';
import { verdictLine } from '../../ci/format/text.js';
import { FAIL_ON, type FailOn } from '../../ci/result.js';
import { runCi } from '../../ci/run-ci.js';
import { printError } from '../errors.js';
import { resolveSettings } from '../settings.js';
import type { CliIO, ExitCode } from '../io.js';
import { EXIT } from '../io.js';
import type { CommandState } from './index.js';

interface CiFlags {
  base?: string;
  head?: string;
  contracts?: string;
  format: CiFormat;
  output?: string;
  failOn: FailOn;
  db?: string;
  statusFile?: string;
  requireHealth?: boolean;
  version?: string;
}

function writeSummary(io: CliIO, markdown: string): void {
  const path = io.env['GITHUB_STEP_SUMMARY'];
  if (!path) return;
  try {
    appendFileSync(path, markdown);
  } catch (e) {
    io.stderr(`warning: could not append the step summary to ${path}: ${errorMessage(e)}\n`);
  }
}

/**
 * Register `upwatch ci`.
 *
 * @example
 * upwatch ci --base origin/main --format sarif --output upwatch.sarif
 */
export function registerCi(program: Command, io: CliIO, state: CommandState): void {
  program
    .command('ci')
    .description(
      'Pull-request check: validate the contracts at head, classify the changes since the base ref, and fail ' +
        'features that would depend on a deprecated, blocked, frozen or rescaled metric',
    )
    .option('--base <ref>', 'base git ref (default: origin/main, else main)')
    .option('--head <ref>', 'head git ref (default: the working tree, with uncommitted edits)')
    .option(
      '--contracts <dir>',
      'contracts directory (default: $UPWATCH_CONTRACTS, config file, else contracts)',
    )
    .addOption(new Option('--format <format>', 'output format').choices(CI_FORMATS).default('text'))
    .option('--output <file>', 'write the chosen format to FILE (human text still goes to stdout)')
    .addOption(
      new Option('--fail-on <level>', 'fail on issues at or above this level')
        .choices(FAIL_ON)
        .default('block'),
    )
    .option(
      '--db <path>',
      'store to read current health from, read-only (default: $UPWATCH_DB, config file, else .upwatch/upwatch.db if it exists)',
    )
    .option(
      '--status-file <path>',
      'status file to read current health from (default: snapshots/status.json at head)',
    )
    .option(
      '--require-health',
      'exit 3 ("could not verify") when neither the store nor the status file is usable',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 passed; 1 policy failed (breaking change, failing feature, invalid contract at head);\n' +
        '2 could not run (bad flags, git failure); 3 could not verify (--require-health without a health source).\n' +
        'GITHUB_STEP_SUMMARY, when set, receives a markdown summary.\n',
    )
    .action(async (flags: CiFlags) => {
      state.exitCode = await runCiCommand(flags, io, program.version() ?? '0.0.0');
    });
}

async function runCiCommand(flags: CiFlags, io: CliIO, version: string): Promise<ExitCode> {
  try {
    const settings = resolveSettings(io, {
      db: flags.db,
      contracts: flags.contracts,
      statusFile: flags.statusFile,
    });
    const result = await runCi({
      cwd: io.cwd,
      ...(flags.base !== undefined ? { base: flags.base } : {}),
      ...(flags.head !== undefined ? { head: flags.head } : {}),
      contracts: settings.contracts,
      // The default store is used only when it exists: CI usually has none, and that is not an error.
      ...(settings.origin.db === 'default' ? { defaultDb: settings.db } : { db: settings.db }),
      ...(settings.statusFile !== undefined ? { statusFile: settings.statusFile } : {}),
      requireHealth: flags.requireHealth ?? false,
      failOn: flags.failOn,
      now: io.clock.now(),
      version,
    });
    const rendered = formatResult(result, flags.format);
    if (flags.output !== undefined) {
      const path = resolve(io.cwd, flags.output);
      try {
        writeFileAtomic(path, rendered);
      } catch (e) {
        throw new UpwatchError('USAGE', `cannot write --output ${flags.output}: ${errorMessage(e)}`, {
          hint: 'check that the directory is writable',
          cause: e,
        });
      }
      io.stdout(formatResult(result, flags.format === 'github' ? 'github' : 'text'));
    } else {
      io.stdout(rendered);
      if (flags.format !== 'text' && flags.format !== 'github') io.stderr(`${verdictLine(result)}\n`);
    }
    writeSummary(io, formatMarkdown(result));
    return result.exitCode;
  } catch (e) {
    if (flags.format === 'github') {
      const msg = e instanceof UpwatchError && e.hint ? `${e.message}\nhint: ${e.hint}` : errorMessage(e);
      io.stdout(`::error title=${escapeProperty('upwatch ci could not run')}::${escapeData(msg)}\n`);
    }
    printError(io, e);
    return EXIT.CANNOT_RUN;
  }
}
