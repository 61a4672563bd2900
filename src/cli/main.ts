// The `upwatch` binary: the composition root that parses argv, wires the parts and maps outcomes to exit codes.
import { Command, CommanderError } from 'commander';
import { pathToFileURL } from 'node:url';
import { realpathSync } from 'node:fs';
import { systemClock } from '../core/clock.js';
import { printError } from './errors.js';
import { endQuietlyOnClosedPipe } from './pipe.js';
import { EXIT, type CliIO, type ExitCode } from './io.js';
import { commandsFor, registerCommands, type CommandEntry } from './commands/index.js';
import { packageVersion } from './version.js';

export const VERSION = packageVersion();

/**
 * Build the program with the given commands (default: every command); each command sets `state.exitCode`.
 *
 * @example
 * const program = await buildProgram(io, state); // every command, as `upwatch --help` lists them
 */
export async function buildProgram(
  io: CliIO,
  state: { exitCode: ExitCode },
  commands?: readonly CommandEntry[],
): Promise<Command> {
  const program = new Command();
  program
    .name('upwatch')
    .description('Watch upstream APIs that ML features depend on; gate the features when an upstream breaks.')
    .version(VERSION)
    .showHelpAfterError('(run upwatch --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
  await registerCommands(program, io, state, commands);
  return program;
}

/**
 * Run the CLI with the given arguments (without `node` and the script) and return the exit code.
 *
 * @example
 * const code = await runCli(['validate', '--contracts', 'contracts'], io);
 */
export async function runCli(argv: string[], io: CliIO): Promise<ExitCode> {
  const state: { exitCode: ExitCode } = { exitCode: EXIT.OK };
  try {
    // Only the named command's modules load, so a gate before every training job starts fast.
    const program = await buildProgram(io, state, commandsFor(argv));
    await program.parseAsync(argv, { from: 'user' });
    return state.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with exitCode 0; everything else is a usage error.
      if (e.exitCode === 0) return EXIT.OK;
      return EXIT.CANNOT_RUN;
    }
    printError(io, e);
    return EXIT.CANNOT_RUN;
  }
}

function isMain(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

/** Run the CLI on this process's argv, streams and environment, and set the process exit code. */
export async function main(): Promise<void> {
  endQuietlyOnClosedPipe(process.stdout);
  endQuietlyOnClosedPipe(process.stderr);
  const io: CliIO = {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
    clock: systemClock,
    isTTY: Boolean(process.stderr.isTTY),
    stdin: process.stdin,
  };
  process.exitCode = await runCli(process.argv.slice(2), io);
}

if (isMain()) await main();
