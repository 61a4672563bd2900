// Every CLI command, in help order, as a name and a loader: a run imports only the command it names (fast start).
import type { Command } from 'commander';
import type { CliIO, ExitCode } from '../io.js';

export type CommandState = { exitCode: ExitCode };
export type RegisterCommand = (program: Command, io: CliIO, state: CommandState) => void;

/** One command: its name on the command line and how to load the module that registers it. */
export interface CommandEntry {
  name: string;
  load: () => Promise<RegisterCommand>;
}

/** Every command in help order. Add a command with one entry; its module exports `registerX(program, io, state)`. */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'validate', load: async () => (await import('./validate.js')).registerValidate },
  { name: 'ci', load: async () => (await import('./ci.js')).registerCi },
  { name: 'spec-diff', load: async () => (await import('./spec-diff.js')).registerSpecDiff },
  { name: 'gate', load: async () => (await import('./gate.js')).registerGate },
  { name: 'ack', load: async () => (await import('./ack.js')).registerAck },
  { name: 'accept', load: async () => (await import('./accept.js')).registerAccept },
  { name: 'advise', load: async () => (await import('./advise.js')).registerAdvise },
  { name: 'mask', load: async () => (await import('./mask.js')).registerMask },
  { name: 'override', load: async () => (await import('./override.js')).registerOverride },
  { name: 'doctor', load: async () => (await import('./doctor.js')).registerDoctor },
  { name: 'poll', load: async () => (await import('./poll.js')).registerPoll },
  { name: 'run', load: async () => (await import('./run.js')).registerRun },
  { name: 'status', load: async () => (await import('./status.js')).registerStatus },
  { name: 'clear-pause', load: async () => (await import('./clear-pause.js')).registerClearPause },
  { name: 'report', load: async () => (await import('./report.js')).registerReport },
  { name: 'serve', load: async () => (await import('./serve.js')).registerServe },
  { name: 'store', load: async () => (await import('./store.js')).registerStore },
  { name: 'ingest', load: async () => (await import('./ingest.js')).registerIngest },
  { name: 'backtest', load: async () => (await import('./backtest.js')).registerBacktest },
  { name: 'demo', load: async () => (await import('./demo.js')).registerDemo },
  { name: 'sim', load: async () => (await import('./sim.js')).registerSim },
  { name: 'init', load: async () => (await import('./init.js')).registerInit },
];

/**
 * The commands a run needs, from its arguments (without `node` and the script): only the command named by the
 * first non-option argument; none for `--version`; every one otherwise (top-level help, no command, an unknown or
 * misspelt command), so the help listing and commander's "did you mean" see them all.
 *
 * @example
 * commandsFor(['gate', 'reach_28d']).map((c) => c.name); // ['gate']
 * commandsFor(['--version']); // []
 */
export function commandsFor(argv: readonly string[]): readonly CommandEntry[] {
  const at = argv.findIndex((a) => !a.startsWith('-'));
  // Options before the command belong to the program: its --help lists every command, its --version none.
  const before = at < 0 ? argv : argv.slice(0, at);
  if (before.some((a) => a === '-h' || a === '--help')) return COMMANDS;
  if (before.some((a) => a === '-V' || a === '--version')) return [];
  const named = at < 0 ? undefined : COMMANDS.find((c) => c.name === argv[at]);
  return named ? [named] : COMMANDS;
}

/**
 * Load and register commands on the program (every command unless a list is given), in help order.
 *
 * @example
 * await registerCommands(program, io, state, commandsFor(argv));
 */
export async function registerCommands(
  program: Command,
  io: CliIO,
  state: CommandState,
  commands: readonly CommandEntry[] = COMMANDS,
): Promise<void> {
  const registers = await Promise.all(commands.map((c) => c.load()));
  for (const register of registers) register(program, io, state);
}
