// Running `upwatch ci` in-process for the end-to-end tests: a captured CliIO on a fixed clock.
import { ManualClock } from '../../src/core/clock.js';
import type { CliIO } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/main.js';

/** "Today" for every ci test: after the 2024 and 2025 Meta removals. */
export const TODAY = '2026-11-20T09:00:00Z';

export interface CiRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `upwatch ci ARGS` in `cwd` and capture everything it prints. */
export async function runCiCli(
  cwd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<CiRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env,
    cwd,
    clock: new ManualClock(TODAY),
    isTTY: false,
  };
  const code = await runCli(['ci', ...args], io);
  return { code, stdout, stderr };
}
