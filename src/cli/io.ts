// The CLI's view of the process: output streams, environment, working directory and the exit code to set.
import type { Readable } from 'node:stream';
import type { Clock } from '../core/clock.js';

/** Stable exit codes (DESIGN.md): never reshuffle. */
export const EXIT = {
  /** Ran, and nothing at or above the fail level. */
  OK: 0,
  /** Ran, and the policy failed (blocked feature, breaking change, invalid contract). */
  POLICY_FAILED: 1,
  /** Could not run (bad flags, unusable configuration, store unavailable). */
  CANNOT_RUN: 2,
  /** Could not verify (every attempt to reach an upstream failed). */
  UNVERIFIED: 3,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  clock: Clock;
  /** True when stderr is a terminal (progress lines are drawn in place). */
  isTTY: boolean;
  /** Standard input, for commands that read `-` (`upwatch ingest --source S -`); absent = none. */
  stdin?: Readable;
}
