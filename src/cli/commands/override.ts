// `upwatch override FEATURE --allow|--block --reason TEXT --until DATE`: a manual gate decision that expires by itself.
import type { Command } from 'commander';
import { UpwatchError } from '../../core/errors.js';
import { parseUntil } from '../../findings/until.js';
import { overrideFeature } from '../../gate/override.js';
import type { Store } from '../../store/store.js';
import { printError } from '../errors.js';
import { EXIT, type CliIO } from '../io.js';
import { actor } from './ack.js';
import { DEFAULT_DB_PATH, loadGateContracts } from './gate.js';
import { openGateStore } from './gate-store.js';
import type { CommandState } from './index.js';

interface OverrideFlags {
  allow?: boolean;
  block?: boolean;
  reason: string;
  until: string;
  by?: string;
  db?: string;
  contracts?: string;
}

/**
 * Register `upwatch override`.
 *
 * @example
 * upwatch override engagement_rate_7d --allow --reason "switched to page_media_view" --until 7d
 */
export function registerOverride(program: Command, io: CliIO, state: CommandState): void {
  program
    .command('override')
    .description('Allow or block a feature regardless of findings, with a reason and an expiry (audited)')
    .argument('<feature>', 'feature name')
    .option('--allow', 'let the feature through')
    .option('--block', 'block the feature')
    .requiredOption('--reason <text>', 'why (recorded in the audit log)')
    .requiredOption('--until <date>', 'expiry: 2026-04-01, 2026-04-01T12:00:00Z or 7d')
    .option('--by <who>', 'who decides (default: $UPWATCH_USER, else $USER)')
    .option('--db <path>', `store (default: $UPWATCH_DB, else ${DEFAULT_DB_PATH})`)
    .option('--contracts <dir>', 'contracts directory (default: $UPWATCH_CONTRACTS, else contracts)')
    .action(async (feature: string, flags: OverrideFlags) => {
      let store: Store | undefined;
      try {
        if (Boolean(flags.allow) === Boolean(flags.block)) {
          throw new UpwatchError('USAGE', 'pass exactly one of --allow or --block', {
            hint: 'upwatch override FEATURE --allow --reason TEXT --until 7d',
          });
        }
        const now = io.clock.now();
        const until = parseUntil(flags.until, now);
        const contracts = await loadGateContracts(io, flags.contracts);
        store = await openGateStore(io, flags.db, false);
        const { override, gate } = await overrideFeature(store, contracts, {
          feature,
          action: flags.allow ? 'allow' : 'block',
          reason: flags.reason,
          by: actor(io, flags.by),
          until,
          now,
        });
        io.stdout(
          `override ${override.action} ${feature} by ${override.by} until ${override.until}: now ${gate.state} (findings alone: ${gate.findingsState})\n`,
        );
        state.exitCode = EXIT.OK;
      } catch (e) {
        printError(io, e);
        state.exitCode = EXIT.CANNOT_RUN;
      } finally {
        await store?.close();
      }
    });
}
