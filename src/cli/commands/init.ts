// `upwatch init [DIR]`: scaffold a project — contracts pointing at the sandbox, .gitignore lines, the CI workflow.
import type { Command } from 'commander';
import { relative, resolve } from 'node:path';
import { scaffoldFiles, writeScaffold, type ScaffoldAction } from '../../init/scaffold.js';
import { SANDBOX_TOKEN_VAR, SANDBOX_URL } from '../../init/templates.js';
import { printError } from '../errors.js';
import { EXIT, type CliIO } from '../io.js';
import type { CommandState } from './index.js';

interface InitFlags {
  force?: boolean;
}

const VERB: Record<ScaffoldAction, string> = {
  written: 'wrote      ',
  overwritten: 'overwrote  ',
  skipped: 'skipped    ',
  appended: 'appended to',
  unchanged: 'kept       ',
};

const WHY: Partial<Record<ScaffoldAction, string>> = {
  skipped: ' (it exists; --force overwrites it)',
  appended: ' (the upwatch lines it lacked)',
  unchanged: ' (it already has the upwatch lines)',
};

/**
 * Register `upwatch init`.
 *
 * @example
 * upwatch init my-project
 */
export function registerInit(program: Command, io: CliIO, state: CommandState): void {
  program
    .command('init')
    .description(
      'Scaffold a project in DIR (default: here): commented contracts (a Source and Features) pointing at the ' +
        'sandbox of `upwatch sim`, .gitignore lines for the store, and a GitHub workflow running `upwatch ci`',
    )
    .argument('[dir]', 'project directory (created if missing)', '.')
    .option('--force', 'overwrite files that exist (default: skip them)')
    .addHelpText(
      'after',
      '\nNever overwrites a file unless --force; an existing .gitignore only gets the lines it lacks.\n' +
        'Exit codes: 0 written (or skipped); 2 could not write.\n' +
        'Next: `upwatch sim` in another terminal, then `upwatch validate` and `upwatch poll` (docs/tutorial.md).\n',
    )
    .action((dir: string, flags: InitFlags) => {
      try {
        const root = resolve(io.cwd, dir);
        const outcomes = writeScaffold(root, scaffoldFiles(io.clock.now()), { force: flags.force === true });
        const shown = relative(io.cwd, root) || '.';
        for (const o of outcomes) {
          io.stdout(
            `${VERB[o.action]} ${shown === '.' ? o.path : `${shown}/${o.path}`}${WHY[o.action] ?? ''}\n`,
          );
        }
        io.stdout(
          `\nnext (docs/tutorial.md):\n` +
            (shown === '.' ? '' : `  cd ${shown}\n`) +
            `  npx upwatch sim               # in another terminal: the sandbox on ${SANDBOX_URL}\n` +
            `  export ${SANDBOX_TOKEN_VAR}=…  # the token upwatch sim prints\n` +
            `  npx upwatch validate && npx upwatch poll\n`,
        );
        state.exitCode = EXIT.OK;
      } catch (e) {
        printError(io, e);
        state.exitCode = EXIT.CANNOT_RUN;
      }
    });
}
