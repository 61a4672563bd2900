// Run the CLI in-process with captured output, or spawn it as a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Clock } from '../../src/core/clock.js';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';
import { fixedClock, inheritedClockEnv } from './fixed-clock.js';

export const REPO = join(import.meta.dirname, '..', '..');

/**
 * Run `upwatch <args>` in-process, on a ManualClock at FIXED_NOW unless `clock` is given.
 *
 * @example
 * const r = await cli(['poll', '--db', db], { cwd, env: { META_TOKEN: 't' } }); r.code // 0
 */
export async function cli(
  args: string[],
  options: { cwd: string; env?: Record<string, string>; clock?: Clock },
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: options.env ?? {},
    cwd: options.cwd,
    clock: options.clock ?? fixedClock(),
    isTTY: false,
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

/**
 * Spawn `node --import tsx <script> …args` from the repository root, with PATH and `env`, plus the clock variables
 * of an outer `faketime` run (see inheritedClockEnv) unless `env` sets its own FAKETIME (see faketimeEnv).
 */
export function spawnTsx(script: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(REPO, script), ...args], {
    cwd: REPO,
    env: { PATH: process.env['PATH'] ?? '', ...(env['FAKETIME'] ? {} : inheritedClockEnv()), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Resolve when the child's stdout+stderr matches `re`; reject if it exits first. */
export function waitForOutput(child: ChildProcess, re: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (b: Buffer) => {
      seen += b.toString();
      if (re.test(seen)) {
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
        resolve(seen);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      if (!re.test(seen)) reject(new Error(`child exited (${code}) before ${re}: ${seen}`));
    });
  });
}

/** Resolve with the exit code (or signal) of a child. */
export function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}
