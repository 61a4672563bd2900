// Every CLI command, registered in help order. Each command lives in its own file and sets the exit code.
import type { Command } from 'commander';
import type { CliIO, ExitCode } from '../io.js';
import { registerCi } from './ci.js';
import { registerPoll } from './poll.js';
import { registerRun } from './run.js';
import { registerStatus } from './status.js';
import { registerSpecDiff } from './spec-diff.js';
import { registerValidate } from './validate.js';
import { registerGate } from './gate.js';
import { registerAck } from './ack.js';
import { registerAccept } from './accept.js';
import { registerOverride } from './override.js';
import { registerDoctor } from './doctor.js';
import { registerBacktest } from './backtest.js';
import { registerDemo } from './demo.js';
import { registerReport } from './report.js';

export type CommandState = { exitCode: ExitCode };
export type RegisterCommand = (program: Command, io: CliIO, state: CommandState) => void;

const COMMANDS: RegisterCommand[] = [
  registerValidate,
  registerCi,
  registerSpecDiff,
  registerGate,
  registerAck,
  registerAccept,
  registerOverride,
  registerDoctor,
  registerPoll,
  registerRun,
  registerStatus,
  registerReport,
  registerBacktest,
  registerDemo,
];

export function registerCommands(program: Command, io: CliIO, state: CommandState): void {
  for (const register of COMMANDS) register(program, io, state);
}
