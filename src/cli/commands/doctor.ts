// `upwatch doctor`: check the store, the contracts and the SMTP connection, one ok/warn/fail line each with a hint.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { errorMessage, isUpwatchError } from '../../core/errors.js';
import { hasErrors, loadContracts } from '../../contracts/load.js';
import { createEmailTransport, parseSmtpUrl } from '../../alerts/email.js';
import { MIGRATIONS } from '../../store/migrations/index.js';
import { outboxCounts } from '../../store/outbox-repo.js';
import { openStore, type Store } from '../../store/store.js';
import { EXIT, type CliIO } from '../io.js';
import { DEFAULT_DB_PATH } from './gate.js';
import { resolveSettings, type Settings } from '../settings.js';
import type { CommandState } from './index.js';

type Level = 'ok' | 'warn' | 'fail';

interface Check {
  level: Level;
  what: string;
  detail: string;
  hint?: string;
}

function line(c: Check): string {
  return `${c.level.padEnd(4)}  ${c.what}: ${c.detail}${c.hint ? `\n      hint: ${c.hint}` : ''}\n`;
}

function hintOf(e: unknown): string | undefined {
  return isUpwatchError(e) ? e.hint : undefined;
}

function checkStore(path: string): Check[] {
  if (path !== ':memory:' && !existsSync(path)) {
    return [
      {
        level: 'fail',
        what: 'store',
        detail: `${path} does not exist`,
        hint: 'run `upwatch poll` once to create it, or pass --db PATH',
      },
    ];
  }
  let store: Store | undefined;
  try {
    store = openStore(path, { readonly: true });
    const quick = store.db.pragma('quick_check', { simple: true }) as string;
    const version = store.db.pragma('user_version', { simple: true }) as number;
    const checks: Check[] = [
      quick !== 'ok'
        ? {
            level: 'fail',
            what: 'store',
            detail: `${path}: quick_check reports "${quick}"`,
            hint: 'restore the file from a backup; do not keep writing to it',
          }
        : version !== MIGRATIONS.length
          ? {
              level: 'fail',
              what: 'store',
              detail: `${path}: schema version ${version}, this upwatch expects ${MIGRATIONS.length}`,
              hint:
                version > MIGRATIONS.length
                  ? 'the store was written by a newer upwatch: upgrade upwatch'
                  : 'run `upwatch poll` once to migrate it',
            }
          : {
              level: 'ok',
              what: 'store',
              detail: `${path}: quick_check ok, schema version ${version}/${MIGRATIONS.length}`,
            },
    ];
    if (checks[0]!.level === 'fail') return checks;
    const counts = outboxCounts(store);
    checks.push(
      counts.dead > 0
        ? {
            level: 'warn',
            what: 'outbox',
            detail: `${counts.pending} pending, ${counts.sent} sent, ${counts.dead} dead`,
            hint: 'dead notifications were given up on; see their last_error in the outbox table and fix SMTP or the recipients',
          }
        : { level: 'ok', what: 'outbox', detail: `${counts.pending} pending, ${counts.sent} sent, 0 dead` },
    );
    return checks;
  } catch (e) {
    return [
      {
        level: 'fail',
        what: 'store',
        detail: errorMessage(e),
        hint: hintOf(e) ?? 'check the path and permissions, or pass --db PATH',
      },
    ];
  } finally {
    store?.close();
  }
}

async function checkContracts(io: CliIO, dir: string): Promise<Check> {
  try {
    const { contracts, diagnostics } = await loadContracts(dir, {
      env: (n) => io.env[n],
      now: io.clock.now(),
      root: io.cwd,
    });
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    const warnings = diagnostics.length - errors;
    const summary = `${contracts.sources.length} sources, ${contracts.features.length} features, ${errors} errors, ${warnings} warnings`;
    if (hasErrors(diagnostics))
      return {
        level: 'fail',
        what: 'contracts',
        detail: `${dir}: ${summary}`,
        hint: 'run `upwatch validate` for the located errors',
      };
    if (contracts.sources.length === 0)
      return {
        level: 'fail',
        what: 'contracts',
        detail: `${dir}: no sources declared`,
        hint: 'add a source contract (see docs/contracts.md)',
      };
    return {
      level: warnings ? 'warn' : 'ok',
      what: 'contracts',
      detail: `${dir}: ${summary}`,
      ...(warnings ? { hint: 'run `upwatch validate` to see the warnings' } : {}),
    };
  } catch (e) {
    return {
      level: 'fail',
      what: 'contracts',
      detail: errorMessage(e),
      hint: hintOf(e) ?? 'pass --contracts DIR',
    };
  }
}

async function checkSmtp(io: CliIO, url: string | undefined, timeoutMs: number): Promise<Check> {
  if (!url) {
    return {
      level: 'warn',
      what: 'smtp',
      detail: 'UPWATCH_SMTP_URL (or smtpUrl in the config file) is not set: alerts are queued but not sent',
      hint: 'export UPWATCH_SMTP_URL=smtp://user:password@host:587?from=upwatch@example.com',
    };
  }
  try {
    const settings = parseSmtpUrl(url);
    const transport = createEmailTransport(settings, {
      connectionTimeoutMs: timeoutMs,
      greetingTimeoutMs: timeoutMs,
      socketTimeoutMs: timeoutMs,
    });
    try {
      await transport.verify(timeoutMs);
      return {
        level: 'ok',
        what: 'smtp',
        detail: `${settings.display}: connected${settings.user ? ' and authenticated' : ''}`,
      };
    } catch (e) {
      return {
        level: 'fail',
        what: 'smtp',
        detail: `${settings.display}: ${errorMessage(e)}`,
        hint: hintOf(e) ?? 'check host, port, TLS options and credentials',
      };
    } finally {
      transport.close();
    }
  } catch (e) {
    return {
      level: 'fail',
      what: 'smtp',
      detail: errorMessage(e),
      hint: hintOf(e) ?? 'fix UPWATCH_SMTP_URL',
    };
  }
}

/**
 * Register `upwatch doctor`.
 *
 * @example
 * upwatch doctor --db .upwatch/upwatch.db --contracts contracts
 */
export function registerDoctor(program: Command, io: CliIO, state: CommandState): void {
  program
    .command('doctor')
    .description('Check the store, the contracts and the SMTP connection')
    .option('--db <path>', `store (default: $UPWATCH_DB, else ${DEFAULT_DB_PATH})`)
    .option('--contracts <dir>', 'contracts directory (default: $UPWATCH_CONTRACTS, else contracts)')
    .option('--timeout <ms>', 'SMTP connection timeout in milliseconds', '5000')
    .addHelpText('after', '\nExit codes: 0 everything usable (warnings allowed); 2 something is unusable.')
    .action(async (flags: { db?: string; contracts?: string; timeout: string }) => {
      const timeout = Math.max(100, Number(flags.timeout) || 5000);
      let settings: Settings;
      try {
        settings = resolveSettings(io, { db: flags.db, contracts: flags.contracts });
      } catch (e) {
        io.stdout(
          line({
            level: 'fail',
            what: 'config',
            detail: errorMessage(e),
            hint: hintOf(e) ?? 'fix the config file',
          }),
        );
        state.exitCode = EXIT.CANNOT_RUN;
        return;
      }
      const checks = [
        ...checkStore(settings.db),
        await checkContracts(io, settings.contracts),
        await checkSmtp(io, settings.smtpUrl, timeout),
      ];
      for (const c of checks) io.stdout(line(c));
      const failed = checks.filter((c) => c.level === 'fail').length;
      io.stdout(failed ? `${failed} check${failed === 1 ? '' : 's'} failed\n` : 'all checks passed\n');
      state.exitCode = failed ? EXIT.CANNOT_RUN : EXIT.OK;
    });
}
