// Every CLI command, registered in help order. Each command lives in its own file and sets the exit code.
import type { Command } from 'commander';
import type { CliIO, ExitCode } from '../io.js';
import { registerCi } from './ci.js';
import { registerSpecDiff } from './spec-diff.js';
import { registerValidate } from './validate.js';

export type CommandState = { exitCode: ExitCode };
export type RegisterCommand = (program: Command, io: CliIO, state: CommandState) => void;

const COMMANDS: RegisterCommand[] = [registerValidate, registerCi, registerSpecDiff];

export function registerCommands(program: Command, io: CliIO, state: CommandState): void {
  for (const register of COMMANDS) register(program, io, state);
}
