// How the CLI prints an error that stopped a command: what happened, where, and a hint.
import { UpwatchError } from '../core/errors.js';
import type { CliIO } from './io.js';

/** Print an error as `error: message` plus `hint:` and `cause:` lines; never a stack for expected errors. */
export function printError(io: CliIO, e: unknown): void {
  if (e instanceof UpwatchError) {
    io.stderr(`error: ${e.message} [${e.code}]\n`);
    if (e.hint) io.stderr(`  hint: ${e.hint}\n`);
    return;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  io.stderr(`error: unexpected failure: ${err.message}\n`);
  if (io.env['UPWATCH_DEBUG'] && err.stack) io.stderr(`${err.stack}\n`);
  else io.stderr('  hint: set UPWATCH_DEBUG=1 for a stack trace, and report it as a bug\n');
}
