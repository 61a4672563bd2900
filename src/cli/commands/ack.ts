// `upwatch ack FINDING --reason TEXT [--until DATE] [--by WHO]`: silence reminders for a finding (audited; never unblocks).
import type { Command } from 'commander';
import { acknowledgeFinding } from '../../findings/acknowledge.js';
import { parseUntil } from '../../findings/until.js';
import type { Store } from '../../store/store.js';
import { printError } from '../errors.js';
import { EXIT, type CliIO } from '../io.js';
import { DEFAULT_DB_PATH } from './gate.js';
import { openGateStore } from './gate-store.js';
import type { CommandState } from './index.js';

/** Who is acting: --by, else $UPWATCH_USER, else $USER, else `unknown`. */
export function actor(io: CliIO, flag: string | undefined): string {
  return flag ?? io.env['UPWATCH_USER'] ?? io.env['USER'] ?? 'unknown';
}

/**
 * Register `upwatch ack`.
 *
 * @example
 * upwatch ack 3f1c9a --reason "migrating to page_media_view" --until 2026-04-01
 */
export function registerAck(program: Command, io: CliIO, state: CommandState): void {
  program
    .command('ack')
    .description(
      'Acknowledge a finding: reminders stop; the gate still blocks until it resolves or is overridden',
    )
    .argument('<finding>', 'fingerprint or a unique prefix (4+ hex digits)')
    .requiredOption('--reason <text>', 'why (recorded in the audit log)')
    .option('--until <date>', 'expiry: 2026-04-01, 2026-04-01T12:00:00Z or 7d (default: until it resolves)')
    .option('--by <who>', 'who acknowledges (default: $UPWATCH_USER, else $USER)')
    .option('--db <path>', `store (default: $UPWATCH_DB, else ${DEFAULT_DB_PATH})`)
    .action(async (finding: string, flags: { reason: string; until?: string; by?: string; db?: string }) => {
      let store: Store | undefined;
      try {
        const now = io.clock.now();
        const until = flags.until !== undefined ? parseUntil(flags.until, now) : undefined;
        store = await openGateStore(io, flags.db, false);
        const f = await acknowledgeFinding(store, {
          finding,
          reason: flags.reason,
          by: actor(io, flags.by),
          ...(until ? { until } : {}),
          now,
        });
        io.stdout(
          `acknowledged ${f.fingerprint} (${f.source}/${f.metric ?? '*'}, ${f.rule}, episode ${f.episode}) ${
            until ? `until ${until}` : 'until it resolves'
          }\n  reminders stop; features stay ${f.severity === 'block' ? 'blocked' : 'as they are'} until it resolves or an override allows them\n`,
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
