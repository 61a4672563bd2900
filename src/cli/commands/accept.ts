// `upwatch accept FINDING --as DECISION --reason TEXT [--by WHO] [--factor F]`: record what was done about a change.
import type { Command } from 'commander';
import { DECISION_KINDS } from '../../core/decision.js';
import { UpwatchError } from '../../core/errors.js';
import { acceptFinding } from '../../findings/accept.js';
import type { Store } from '../../store/store.js';
import { printError } from '../errors.js';
import { EXIT, type CliIO } from '../io.js';
import { actor } from './ack.js';
import { DEFAULT_DB_PATH } from './gate.js';
import { openGateStore } from './gate-store.js';
import type { CommandState } from './index.js';

function parseFactor(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) {
    throw new UpwatchError('USAGE', `--factor must be a positive number (got "${text}")`, {
      hint: 'e.g. --factor 0.001 for values divided by 1000',
    });
  }
  return n;
}

/**
 * Register `upwatch accept`.
 *
 * @example
 * upwatch accept 3f1c9a --as rescaled-history --reason "history ÷1000 in the feature store" --by ana
 */
export function registerAccept(program: Command, io: CliIO, state: CommandState): void {
  program
    .command('accept')
    .description(
      'Record what the consumers did about a change (unit, scale, removal): the finding resolves as decided and stops blocking (audited)',
    )
    .argument('<finding>', 'fingerprint or a unique prefix (4+ hex digits)')
    .requiredOption('--as <decision>', `what was done: ${DECISION_KINDS.join(', ')}`)
    .requiredOption('--reason <text>', 'why, and where it was done (recorded in the audit log)')
    .option('--by <who>', 'who decides (default: $UPWATCH_USER, else $USER)')
    .option('--factor <f>', "the factor history was rescaled by (default: the finding's own factor)")
    .option('--db <path>', `store (default: $UPWATCH_DB, else ${DEFAULT_DB_PATH})`)
    .action(
      async (
        finding: string,
        flags: { as: string; reason: string; by?: string; factor?: string; db?: string },
      ) => {
        let store: Store | undefined;
        try {
          const factor = parseFactor(flags.factor);
          store = await openGateStore(io, flags.db, false);
          const { finding: f, decision } = await acceptFinding(store, {
            finding,
            as: flags.as,
            reason: flags.reason,
            by: actor(io, flags.by),
            ...(factor !== undefined ? { factor } : {}),
            now: io.clock.now(),
          });
          io.stdout(
            `decided ${f.fingerprint} (${f.source}/${f.metric ?? '*'}, ${f.rule}, episode ${f.episode}): ${decision.kind}${
              decision.factor !== undefined ? ` ×${decision.factor}` : ''
            } by ${decision.by}\n  the finding is resolved as decided; features it blocked are decided again at the next gate\n`,
          );
          state.exitCode = EXIT.OK;
        } catch (e) {
          printError(io, e);
          state.exitCode = EXIT.CANNOT_RUN;
        } finally {
          await store?.close();
        }
      },
    );
}
