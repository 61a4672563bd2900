// What `advise`, `mask` and `gate --for training` share: the selection, the window, and the advice from the store.
import type { Command } from 'commander';
import { adviseStore } from '../../advisor/advise-store.js';
import type { Advice, Verdict } from '../../advisor/advice.js';
import { defaultWindow, parseWindow, type TrainingWindow } from '../../advisor/window.js';
import { UpwatchError } from '../../core/errors.js';
import type { Store } from '../../store/store.js';
import { EXIT, type CliIO, type ExitCode } from '../io.js';
import { DEFAULT_DB_PATH, loadGateContracts } from './gate.js';
import { openGateStore } from './gate-store.js';

export interface AdviceFlags {
  model?: string;
  feature?: string[];
  window?: string;
  db?: string;
  contracts?: string;
  servingDays?: string;
  dropUnstable?: boolean;
}

/** Add the selection, window and store options every advisor command takes. */
export function adviceOptions(cmd: Command): Command {
  return cmd
    .option('--model <model>', 'every feature of this model')
    .option('--feature <features...>', 'these features')
    .option(
      '--window <from..to>',
      'the training window, ISO days, both included (default: the 28 days ending today)',
    )
    .option('--serving-days <n>', 'days the retrained model will serve, for announced removals', '28')
    .option('--drop-unstable', 'drop excursions that came back (unstable spans) instead of keeping them')
    .option('--db <path>', `store (default: $UPWATCH_DB, else ${DEFAULT_DB_PATH})`)
    .option('--contracts <dir>', 'contracts directory (default: $UPWATCH_CONTRACTS, else contracts)');
}

/** The window a flag names, or the 28 days ending today by the CLI's clock. */
export function windowOf(io: CliIO, flag: string | undefined): TrainingWindow {
  return flag === undefined ? defaultWindow(io.clock.now()) : parseWindow(flag);
}

function servingDays(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0)
    throw new UpwatchError('USAGE', `--serving-days must be a whole number of days (got "${text}")`, {
      hint: 'e.g. --serving-days 28',
    });
  return n;
}

/**
 * Load contracts, open the store read-only and advise. Throws UpwatchError for bad flags (USAGE), an unknown
 * feature or model (NOT_FOUND) or no store (STORE_UNAVAILABLE): each is exit 2.
 */
export async function adviceFromFlags(io: CliIO, flags: AdviceFlags): Promise<Advice> {
  const features = flags.feature ?? [];
  if (features.length === 0 && flags.model === undefined)
    throw new UpwatchError('USAGE', 'name a model or at least one feature', {
      hint: 'upwatch advise --model ranker, or upwatch advise --feature views_7d',
    });
  const window = windowOf(io, flags.window);
  const serving = servingDays(flags.servingDays);
  const contracts = await loadGateContracts(io, flags.contracts);
  let store: Store | undefined;
  try {
    store = await openGateStore(io, flags.db, true);
    return await adviseStore({
      store,
      contracts,
      features,
      ...(flags.model !== undefined ? { model: flags.model } : {}),
      window,
      now: io.clock.now(),
      ...(serving !== undefined ? { servingDays: serving } : {}),
      ...(flags.dropUnstable ? { dropUnstable: true } : {}),
    });
  } finally {
    await store?.close();
  }
}

/**
 * Exit code of a verdict: 0 retrain, 1 fixes required or not yet, 3 could not verify.
 *
 * @example
 * verdictExitCode('retrain after fixes') // 1
 */
export function verdictExitCode(verdict: Verdict): ExitCode {
  if (verdict === 'retrain') return EXIT.OK;
  return verdict === 'could not verify' ? EXIT.UNVERIFIED : EXIT.POLICY_FAILED;
}
