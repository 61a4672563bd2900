// `upwatch advise --model M | --feature F… [--window FROM..TO]`: may this model be retrained on this window, and what
// must be done to its rows first. Exit 0 retrain, 1 fixes required or not yet, 2 could not run, 3 could not verify.
import { Option, type Command } from 'commander';
import { ADVICE_FORMATS, formatAdvice, type AdviceFormat } from '../../advisor/format-advice.js';
import { printError } from '../errors.js';
import { EXIT, type CliIO } from '../io.js';
import { adviceFromFlags, adviceOptions, verdictExitCode, type AdviceFlags } from './advise-common.js';
import type { CommandState } from './index.js';

/**
 * Register `upwatch advise`.
 *
 * @example
 * upwatch advise --model ranker --window 2026-03-01..2026-03-28 --format markdown
 */
export function registerAdvise(program: Command, io: CliIO, state: CommandState): void {
  adviceOptions(
    program
      .command('advise')
      .description(
        'Is a training window fit to retrain on? The unfit spans per feature input, each with its cause and fix, and a verdict',
      ),
  )
    .addOption(new Option('--format <format>', 'output format').choices(ADVICE_FORMATS).default('text'))
    .addHelpText(
      'after',
      '\nExit codes: 0 retrain; 1 retrain after fixes (apply `upwatch mask`) or do not retrain yet; 2 could not run\n' +
        '(bad flags, unknown feature or model, no store); 3 could not verify (an input has no values in the window).',
    )
    .action(async (flags: AdviceFlags & { format: AdviceFormat }) => {
      try {
        const advice = await adviceFromFlags(io, flags);
        io.stdout(formatAdvice(advice, flags.format));
        state.exitCode = verdictExitCode(advice.verdict);
      } catch (e) {
        printError(io, e);
        state.exitCode = EXIT.CANNOT_RUN;
      }
    });
}
