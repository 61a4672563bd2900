// `upwatch mask --model M --window FROM..TO --format csv|jsonl`: the rows a training job drops or rescales.
// Exit 0 mask written (apply it and train), 1 do not retrain yet, 2 could not run, 3 could not verify.
import { Option, type Command } from 'commander';
import { maskCsv, maskJsonl, trainingMask } from '../../advisor/training-mask.js';
import { printError } from '../errors.js';
import { EXIT, type CliIO } from '../io.js';
import { adviceFromFlags, adviceOptions, verdictExitCode, type AdviceFlags } from './advise-common.js';
import type { CommandState } from './index.js';

const MASK_FORMATS = ['csv', 'jsonl'] as const;

/**
 * Register `upwatch mask`.
 *
 * @example
 * upwatch mask --model ranker --window 2026-03-01..2026-03-28 --format csv > mask.csv
 */
export function registerMask(program: Command, io: CliIO, state: CommandState): void {
  adviceOptions(
    program
      .command('mask')
      .description(
        'Write the training mask of a window: rows feature, source, metric, entity, from, to, action (drop|rescale|ok), factor, reason',
      ),
  )
    .addOption(new Option('--format <format>', 'output format').choices(MASK_FORMATS).default('csv'))
    .addHelpText(
      'after',
      '\nExit codes: 0 mask written (train once it is applied); 1 do not retrain yet (the mask is still written);\n' +
        '2 could not run; 3 could not verify (an input has no values in the window).',
    )
    .action(async (flags: AdviceFlags & { format: (typeof MASK_FORMATS)[number] }) => {
      try {
        const advice = await adviceFromFlags(io, flags);
        const rows = trainingMask(advice);
        io.stdout(flags.format === 'jsonl' ? maskJsonl(rows) : maskCsv(rows));
        state.exitCode = advice.verdict === 'retrain after fixes' ? EXIT.OK : verdictExitCode(advice.verdict);
      } catch (e) {
        printError(io, e);
        state.exitCode = EXIT.CANNOT_RUN;
      }
    });
}
